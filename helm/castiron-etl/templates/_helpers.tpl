{{/* Names, labels and the lists several templates share. */}}

{{- define "castiron-etl.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "castiron-etl.fullname" -}}
{{- if contains .Chart.Name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "castiron-etl.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "castiron-etl.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "castiron-etl.selectorLabels" -}}
app.kubernetes.io/name: {{ include "castiron-etl.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "castiron-etl.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "castiron-etl.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "castiron-etl.operatorImage" -}}
{{- printf "%s:%s" .Values.operator.image.repository (default .Chart.AppVersion .Values.operator.image.tag) }}
{{- end }}

{{- define "castiron-etl.runnerImage" -}}
{{- printf "%s:%s" .Values.runner.image.repository (default .Chart.AppVersion .Values.runner.image.tag) }}
{{- end }}

{{/*
Namespaces where pipelines live and Jobs run: the release namespace and watchNamespaces, comma-separated.
The release namespace is always one: pipelines from the config bucket are created there.
*/}}
{{- define "castiron-etl.jobNamespaces" -}}
{{- $all := list .Release.Namespace }}
{{- range .Values.watchNamespaces }}
{{- $all = append $all . }}
{{- end }}
{{- $all | uniq | join "," }}
{{- end }}

{{/* The value of the operator SDK's namespaces setting. */}}
{{- define "castiron-etl.watchedNamespaces" -}}
{{- if .Values.watchAllNamespaces }}JOSDK_ALL_NAMESPACES
{{- else if not .Values.watchNamespaces }}JOSDK_WATCH_CURRENT
{{- else }}{{ include "castiron-etl.jobNamespaces" . }}
{{- end }}
{{- end }}

{{/*
What the operator does in a namespace it watches (see OperatorPermissions in the operator's tests, which
checks these rules against the code's needs):
- its custom resources: informers (get, list, watch), claiming files (create), config-bucket pipelines
  (create, update, delete), retention (delete), status patches;
- etlfiles/finalizers: Jobs point at their EtlFile with blockOwnerDeletion, which clusters with the
  OwnerReferencesPermissionEnforcement admission plugin only allow with this permission;
- Jobs: an informer, launching, cancelling;
- Events on pipelines and files.
*/}}
{{- define "castiron-etl.operatorRules" -}}
- apiGroups: ["etl.castiron.io"]
  resources: ["etlpipelines", "etlfiles"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["etl.castiron.io"]
  resources: ["etlpipelines/status", "etlfiles/status"]
  verbs: ["get", "update", "patch"]
- apiGroups: ["etl.castiron.io"]
  resources: ["etlpipelines/finalizers", "etlfiles/finalizers"]
  verbs: ["update"]
- apiGroups: ["batch"]
  resources: ["jobs"]
  verbs: ["get", "list", "watch", "create", "delete"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "list"]
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["list"]
- apiGroups: [""]
  resources: ["serviceaccounts"]
  verbs: ["get"]
{{- end }}
