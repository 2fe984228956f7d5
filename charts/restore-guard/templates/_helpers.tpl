{{- define "restore-guard.labels" -}}
app.kubernetes.io/name: restore-guard
app.kubernetes.io/part-of: restore-guard
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end }}

{{- define "restore-guard.selector" -}}
app.kubernetes.io/name: restore-guard
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
