{{- define "pool-operator.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "pool-operator.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "pool-operator.labels" -}}
app.kubernetes.io/name: {{ include "pool-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "pool-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "pool-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "pool-operator.rules" -}}
- apiGroups: [pooloperator.io]
  resources: [poolmigrations]
  verbs: [get, list, watch, patch]
- apiGroups: [pooloperator.io]
  resources: [poolmigrations/finalizers]
  verbs: [update]
- apiGroups: [pooloperator.io]
  resources: [poolmigrations/status]
  verbs: [get, update, patch]
# delete: only V1's Deployment, HPA, Service and the flags ConfigMap, after completion, when spec.completion.cleanup asks.
- apiGroups: [apps]
  resources: [deployments]
  verbs: [get, list, watch, patch, delete]
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list, watch]
# Services are read in namespaces with migrations (one that selects V2's pods during a shadow stage is reported); V1's is
# deleted only by a cleanup that asks for it.
- apiGroups: [""]
  resources: [services]
  verbs: [get, list, watch, delete]
- apiGroups: [""]
  resources: [configmaps]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [""]
  resources: [events]
  verbs: [create, get, list, update, patch]
- apiGroups: [gateway.networking.k8s.io]
  resources: [httproutes]
  verbs: [get, list, watch, update]
- apiGroups: [autoscaling]
  resources: [horizontalpodautoscalers]
  verbs: [get, list, watch, patch, delete]
- apiGroups: [policy]
  resources: [poddisruptionbudgets]
  verbs: [get, list, watch]
{{- end -}}

{{- /* Seconds as a TimeSpan the operator's configuration binds (hh:mm:ss). */ -}}
{{- define "pool-operator.timespan" -}}
{{- $s := int . -}}
{{- printf "%02d:%02d:%02d" (div $s 3600) (mod (div $s 60) 60) (mod $s 60) -}}
{{- end -}}

{{- define "pool-operator.secretRules" -}}
- apiGroups: [""]
  resources: [secrets]
  verbs: [get]
  {{- with .Values.rbac.secrets.resourceNames }}
  resourceNames:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}

{{- /* Cross-field rules values.schema.json cannot express; helm prints the message and installs nothing. */ -}}
{{- define "pool-operator.validate" -}}
{{- $le := .Values.leaderElection -}}
{{- if and $le.enabled (le (int $le.leaseDurationSeconds) (int $le.renewDeadlineSeconds)) -}}
{{- fail (printf "leaderElection.leaseDurationSeconds (%d) must be greater than leaderElection.renewDeadlineSeconds (%d): a leader must give up before a standby may take over" (int $le.leaseDurationSeconds) (int $le.renewDeadlineSeconds)) -}}
{{- end -}}
{{- if and $le.enabled (le (mulf (int $le.renewDeadlineSeconds) 5) (mulf (int $le.retryPeriodSeconds) 6)) -}}
{{- fail (printf "leaderElection.renewDeadlineSeconds (%d) must be greater than 1.2 x leaderElection.retryPeriodSeconds (%d)" (int $le.renewDeadlineSeconds) (int $le.retryPeriodSeconds)) -}}
{{- end -}}
{{- if and (not $le.enabled) (gt (int .Values.replicaCount) 1) -}}
{{- fail (printf "replicaCount is %d but leaderElection.enabled is false: every replica would reconcile at once; enable leader election or set replicaCount to 1" (int .Values.replicaCount)) -}}
{{- end -}}
{{- if and .Values.rbac.secrets.clusterWide .Values.watchNamespaces -}}
{{- fail "rbac.secrets.clusterWide is true but watchNamespaces is set: a namespaced operator cannot be granted cluster-wide Secrets; list the namespaces in rbac.secrets.namespaces" -}}
{{- end -}}
{{- end -}}
