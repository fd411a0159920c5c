#!/usr/bin/env python3
"""Writes poplar-overview.json, the Grafana dashboard (RED for commands and deliveries, USE for
connections and the store). Edit this file and rerun it rather than editing the JSON by hand:
python3 ops/grafana/generate.py > ops/grafana/poplar-overview.json"""
import json

SEL = 'job=~"$job",instance=~"$instance"'
panels = []
y = 0
pid = 0


def row(title):
    global y, pid
    pid += 1
    panels.append({"type": "row", "title": title, "id": pid, "collapsed": False,
                   "gridPos": {"h": 1, "w": 24, "x": 0, "y": y}})
    y += 1


def panel(title, exprs, unit="short", kind="timeseries", w=8, h=8, x=0, description=""):
    global pid
    pid += 1
    targets = [{"refId": chr(65 + i), "expr": e, "legendFormat": l,
                "datasource": {"type": "prometheus", "uid": "${datasource}"}} for i, (e, l) in enumerate(exprs)]
    panels.append({"type": kind, "title": title, "id": pid, "description": description,
                   "datasource": {"type": "prometheus", "uid": "${datasource}"},
                   "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
                   "options": {}, "targets": targets, "gridPos": {"h": h, "w": w, "x": x, "y": y}})


def line(*specs):
    """Lays panels out left to right in one band."""
    global y
    x = 0
    w = 24 // len(specs)
    for title, exprs, unit, *rest in specs:
        panel(title, exprs, unit, w=w, x=x, **(rest[0] if rest else {}))
        x += w
    y += 8


row("Health")
line(("Up", [(f'up{{{SEL}}}', "{{instance}}")], "short", {"kind": "stat"}),
     ("Version", [(f'poplar_build_info{{{SEL}}}', "{{instance}} {{version}} java {{java}}")], "short", {"kind": "stat"}),
     ("Uptime", [(f'process_uptime_seconds{{{SEL}}}', "{{instance}}")], "s", {"kind": "stat"}),
     ("Store refuses writes", [(f'poplar_store_write_stopped{{{SEL}}}', "{{instance}}")], "short", {"kind": "stat"}))

row("Connections (USE)")
line(("Connections vs limit", [(f'poplar_connections_active{{{SEL}}}', "{{instance}} {{listener}} active"),
                               (f'poplar_connections_limit{{{SEL}}}', "{{instance}} {{listener}} limit")], "short"),
     ("Accepted per second", [(f'sum by (listener) (rate(poplar_connections_accepted_total{{{SEL}}}[$__rate_interval]))', "{{listener}}")], "ops"),
     ("Sessions closed by reason", [(f'sum by (listener, reason) (rate(poplar_sessions_closed_total{{{SEL}}}[$__rate_interval]))', "{{listener}} {{reason}}")], "ops"))

row("POP3 commands (RED)")
line(("Commands per second", [(f'sum by (cmd_name) (rate(poplar_pop3_commands_total{{{SEL}}}[$__rate_interval]))', "{{cmd_name}}")], "ops"),
     ("Error ratio (logins excluded)", [(f'sum(rate(poplar_pop3_commands_total{{{SEL},reply_state="ERR",cmd_name!~"USER|PASS"}}[$__rate_interval])) / sum(rate(poplar_pop3_commands_total{{{SEL},cmd_name!~"USER|PASS"}}[$__rate_interval]))', "ERR")], "percentunit"),
     ("Command latency p50 / p99", [(f'histogram_quantile(0.5, sum by (le, cmd_name) (rate(poplar_pop3_command_duration_seconds_bucket{{{SEL}}}[$__rate_interval])))', "p50 {{cmd_name}}"),
                                    (f'histogram_quantile(0.99, sum by (le, cmd_name) (rate(poplar_pop3_command_duration_seconds_bucket{{{SEL}}}[$__rate_interval])))', "p99 {{cmd_name}}")], "s"))

row("Authentication")
line(("Login attempts by result", [(f'sum by (result) (rate(poplar_auth_attempts_total{{{SEL}}}[$__rate_interval]))', "{{result}}")], "ops"),
     ("Credential check p99 (hashing)", [(f'histogram_quantile(0.99, sum by (le) (rate(poplar_auth_duration_seconds_bucket{{{SEL}}}[$__rate_interval])))', "p99")], "s"),
     ("[IN-USE] refusals", [(f'sum(rate(poplar_pop3_maildrop_lock_conflicts_total{{{SEL}}}[$__rate_interval]))', "conflicts")], "ops"))

row("Mail flow")
line(("Retrieved", [(f'sum by (cmd_name) (rate(poplar_pop3_retrieved_bytes_total{{{SEL}}}[$__rate_interval]))', "{{cmd_name}} bytes")], "Bps"),
     ("Deleted in UPDATE", [(f'sum(rate(poplar_pop3_messages_deleted_total{{{SEL}}}[$__rate_interval]))', "messages"),
                            (f'sum(increase(poplar_pop3_update_failures_total{{{SEL}}}[$__rate_interval]))', "update failures")], "short"),
     ("LMTP recipients by result", [(f'sum by (result) (rate(poplar_lmtp_deliveries_total{{{SEL}}}[$__rate_interval]))', "{{result}}")], "ops"),
     ("LMTP durable commit p50 / p99", [(f'histogram_quantile(0.5, sum by (le) (rate(poplar_lmtp_delivery_duration_seconds_bucket{{{SEL}}}[$__rate_interval])))', "p50"),
                                       (f'histogram_quantile(0.99, sum by (le) (rate(poplar_lmtp_delivery_duration_seconds_bucket{{{SEL}}}[$__rate_interval])))', "p99")], "s"))

row("Store (USE)")
line(("Mean synced write", [(f'rate(poplar_store_write_seconds_total{{{SEL}}}[$__rate_interval]) / rate(poplar_store_write_groups_total{{{SEL}}}[$__rate_interval])', "{{instance}}")], "s"),
     ("Commits vs WAL syncs (group commit)", [(f'rate(poplar_store_commits_total{{{SEL}}}[$__rate_interval])', "commits {{instance}}"),
                                              (f'rate(poplar_store_wal_syncs_total{{{SEL}}}[$__rate_interval])', "syncs {{instance}}")], "ops"),
     ("Pending compaction", [(f'poplar_store_pending_compaction_bytes{{{SEL}}}', "{{instance}}")], "bytes"),
     ("Store size", [(f'poplar_store_sst_files_bytes{{{SEL}}}', "SST {{instance}}"),
                     (f'poplar_store_blob_files_bytes{{{SEL}}}', "blobs {{instance}}"),
                     (f'poplar_store_block_cache_usage_bytes{{{SEL}}}', "block cache {{instance}}")], "bytes"))

row("Cluster (nodes with poplar.cluster.etcd; docs/scale-out.md)")
line(("In the membership", [(f'poplar_cluster_registered{{{SEL}}}', "{{instance}}")], "short", {"kind": "stat"}),
     ("Directory follows etcd", [(f'poplar_cluster_directory_current{{{SEL}}}', "{{instance}}")], "short", {"kind": "stat"}),
     ("Users per node", [(f'poplar_cluster_directory_users{{{SEL}}}', "{{instance}}")], "short"),
     ("LMTP deferred to the owner", [(f'sum by (instance) (rate(poplar_lmtp_deliveries_total{{{SEL},result="elsewhere"}}[$__rate_interval]))', "{{instance}}")], "ops"))

row("JVM")
line(("Heap used", [(f'sum by (instance) (jvm_memory_used_bytes{{{SEL},area="heap"}})', "{{instance}}")], "bytes"),
     ("GC pause per second", [(f'sum by (instance) (rate(jvm_gc_pause_seconds_sum{{{SEL}}}[$__rate_interval]))', "{{instance}}")], "s"),
     ("Virtual threads pinned", [(f'sum by (instance) (rate(jvm_threads_virtual_pinned_seconds_count{{{SEL}}}[$__rate_interval]))', "{{instance}}")], "ops"),
     ("CPU", [(f'rate(process_cpu_seconds_total{{{SEL}}}[$__rate_interval])', "{{instance}}")], "percentunit"))

dashboard = {
    "title": "Poplar overview", "uid": "poplar-overview", "tags": ["poplar", "pop3", "mail"],
    "timezone": "browser", "schemaVersion": 39, "version": 1, "editable": True,
    "time": {"from": "now-6h", "to": "now"}, "refresh": "30s",
    "templating": {"list": [
        {"name": "datasource", "type": "datasource", "query": "prometheus", "label": "Data source"},
        {"name": "job", "type": "query", "datasource": {"type": "prometheus", "uid": "${datasource}"},
         "query": "label_values(poplar_build_info, job)", "refresh": 2, "includeAll": True, "multi": True,
         "current": {"text": "All", "value": "$__all"}},
        {"name": "instance", "type": "query", "datasource": {"type": "prometheus", "uid": "${datasource}"},
         "query": 'label_values(poplar_build_info{job=~"$job"}, instance)', "refresh": 2, "includeAll": True,
         "multi": True, "current": {"text": "All", "value": "$__all"}}]},
    "annotations": {"list": []},
    "panels": panels,
}
print(json.dumps(dashboard, indent=2))
