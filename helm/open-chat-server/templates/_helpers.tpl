{{/* Chart name. */}}
{{- define "ocs.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-qualified name, the prefix of every object. */}}
{{- define "ocs.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Name of one app's objects: (dict "root" $ "component" "session-engine"). */}}
{{- define "ocs.componentName" -}}
{{- printf "%s-%s" (include "ocs.fullname" .root) .component | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "ocs.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "ocs.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "ocs.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ocs.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Labels of one app's objects: (dict "root" $ "component" "session-engine"). */}}
{{- define "ocs.componentLabels" -}}
{{ include "ocs.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "ocs.componentSelectorLabels" -}}
{{ include "ocs.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/*
The apps: values key, component name (also dist/apps/<component>/src/main.js), port. One image runs them all.
*/}}
{{- define "ocs.apps" -}}
- key: sessionEngine
  component: session-engine
  port: {{ .Values.ports.engine | int }}
- key: webapiGateway
  component: webapi-gateway
  port: {{ .Values.ports.webapi | int }}
- key: espGateway
  component: esp-gateway
  port: {{ .Values.ports.esp | int }}
- key: reportingAttacher
  component: reporting-attacher
  port: {{ .Values.ports.reporting | int }}
- key: pushNotifier
  component: push-notifier
  port: {{ .Values.ports.push | int }}
{{- end }}

{{- define "ocs.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/*
The variable of one option, `_` standing for `-` and `:` as the product reads them (docs/configuration.md);
option names in the open sections (services, endpoints:<n>) are kept as written. (list section option)
*/}}
{{- define "ocs.envName" -}}
{{- $section := index . 0 }}
{{- $option := index . 1 }}
{{- $open := or (eq $section "services") (regexMatch "^endpoints:[0-9]+$" $section) }}
{{- printf "OCS__%s__%s" ($section | replace "-" "_" | replace ":" "_") (ternary $option ($option | replace "-" "_") $open) }}
{{- end }}

{{/* An option's value as text: whole numbers without exponent, lists and maps as JSON. */}}
{{- define "ocs.envValue" -}}
{{- if and (kindIs "float64" .) (eq (float64 (int64 .)) .) }}
{{- int64 . }}
{{- else if or (kindIs "map" .) (kindIs "slice" .) }}
{{- toJson . }}
{{- else }}
{{- toString . }}
{{- end }}
{{- end }}

{{/* The Secret the chart makes of inline secret values. */}}
{{- define "ocs.secretName" -}}
{{- include "ocs.fullname" . }}
{{- end }}

{{/* Whether the chart makes a Secret: some inline or generated value is needed where no existing Secret is named. */}}
{{- define "ocs.makesSecret" -}}
{{- $s := .Values.secrets }}
{{- if or (and (not $s.agentTokens.existingSecret) $s.agentTokens.tokens) (and (not $s.cassandra.existingSecret) (or $s.cassandra.username $s.cassandra.password)) (not $s.internal.existingSecret) }}true{{ end }}
{{- end }}

{{/*
The preStop drain of a session engine: POST /engine/drain on its own address, then poll GET /engine/drain until
it holds at most `untilSessions` sessions or `waitSeconds` have passed. Node (the image has no curl). (dict "port" p "drain" d)
*/}}
{{- define "ocs.drainScript" -}}
const url = 'http://' + process.env.OCS__server__host + ':{{ .port }}/engine/drain';
const until = {{ .drain.untilSessions | int }};
const deadline = Date.now() + {{ .drain.waitSeconds | int }} * 1000;
const headers = { authorization: 'Bearer ' + process.env.OCS__cluster__internal_secret };
const status = async (method) => (await fetch(url, { method, headers })).json();
(async () => {
  let node = await status('POST');
  while (node.sessions > until && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    node = await status('GET');
  }
  process.stdout.write('drained: ' + JSON.stringify(node) + '\n');
})().catch((err) => {
  process.stderr.write('drain failed: ' + err + '\n');
});
{{- end }}

{{/* The ServiceAccount of the pods: the chart's own, or the one named in serviceAccount.name. */}}
{{- define "ocs.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- .Values.serviceAccount.name | default (include "ocs.fullname" .) }}
{{- else }}
{{- .Values.serviceAccount.name | default "default" }}
{{- end }}
{{- end }}

{{/* `[server] cometd-timeout` as configured (the product's default 25): the longest a CometD long-poll is held. */}}
{{- define "ocs.cometdTimeout" -}}
{{- $server := .Values.config.server | default dict }}
{{- get $server "cometd-timeout" | default 25 | int }}
{{- end }}

{{/* A gateway's preStop wait: shutdown.preStopSeconds, default cometd-timeout + 5. (dict "root" $ "shutdown" s) */}}
{{- define "ocs.gatewayPreStopSeconds" -}}
{{- .shutdown.preStopSeconds | default (add (include "ocs.cometdTimeout" .root | int) 5) | int }}
{{- end }}

{{/* A gateway's grace period: shutdown.terminationGracePeriodSeconds, default the preStop wait + 15. */}}
{{- define "ocs.gatewayGracePeriod" -}}
{{- $preStop := include "ocs.gatewayPreStopSeconds" . | int }}
{{- $grace := .shutdown.terminationGracePeriodSeconds | default (add $preStop 15) | int }}
{{- if le $grace $preStop }}
{{- fail (printf "terminationGracePeriodSeconds %d of a gateway must be longer than its preStop wait of %d s" $grace $preStop) }}
{{- end }}
{{- $grace }}
{{- end }}
