using System.Globalization;
using System.Text;

namespace PoolOperator.Benchmarks.Report;

/// <summary>Writes docs/benchmarks.md: the method of every scenario beside its figures, one column per recorded run.</summary>
internal static class MarkdownReport
{
    private static readonly (string Section, string Heading, string Method)[] Sections =
    [
        ("floor", "Apiserver floor", """
            What the apiserver itself costs on this machine, measured in the same run on the same apiserver before the
            operator starts, from the benchmark process with the same client library the operator uses (KubernetesClient):
            200 sequential JSON merge patches of one ConfigMap (after 5 unmeasured ones), and 100 sequential patches each
            timed from sending the request until a watch on that ConfigMap delivers the change. Every other figure here sits
            on top of these.
            """),
        ("peer", "Peer: the platform's own deployment controller", """
            The deployment controller of kube-controller-manager 1.20.2, run for this measurement only: right after the
            floor, before any pool exists (it acts on every Deployment of the cluster), a second kube-controller-manager
            with `--controllers=deployment` starts on the same apiserver, as the cluster admin. min(N, 50) Deployments of
            its own namespace (which the status stand-in leaves alone) get a ReplicaSet each; then 100 sequential changes
            (after one unmeasured), cycling over them, move a Deployment's `spec.replicas` between 1 and 2, each timed
            from sending the patch until a watch on ReplicaSets delivers the controller's write of that Deployment's
            ReplicaSet with the new `spec.replicas`. It is the same shape as the operator's figure in section 7: a change a
            user makes, until a watch sees the controller's answer. The controller manager is then stopped and the
            namespace deleted.
            """),
        ("idle", "1. Idle cost", """
            N migrations wait at an approval gate: stages `{name: gate, weight: 5, approval: Required}` then
            `{name: full, weight: 100}`, `analysis.interval: 10s`, no configured checks (the built-in checks always run).
            They are created while the operator is stopped; once all are `AwaitingApproval` and the operator has settled,
            the apiserver's audit log counts the operator's requests over a 60 s window. Requests per no-op reconcile
            divides those requests by the reconciles the operator finished in the same window, read from the count of
            its `pooloperator_reconcile_duration` histogram on `/metrics` before and after the window. A watch counts
            once, in the window in which it closes.
            """),
        ("transition", "2. Stage transition", """
            Right after the idle window every migration of the idle set is approved
            (`pooloperator.io/approve=<token>`), and runs to `Completed` (`completion.rollbackWindowSeconds: 0`,
            `rollback.scaleDownDelaySeconds: 0`). Counted from the first approval until 5 s after the last migration is
            `Completed` (so trailing writes are included): the operator's writes (create, update, patch, delete) by
            resource, per migration. The phase/stage changes are the distinct (phase, stage) states a watch on the
            migrations saw after approval (for example Progressing/full, Completing/full, Completed/full); writes per
            stage transition divides the writes by them. Times are measured by that watch.
            """),
        ("restart", "3. Restart with existing migrations", """
            Once the idle set's N migrations have a status and wait at their gate (after the idle and memory scenarios),
            the operator process is killed and started again. Timed from starting the new process until it has finished
            one reconcile of every migration: the benchmark polls the new process's `/metrics` every 100 ms, where the
            last step of a reconcile publishes the migration's `pooloperator_migration_weight` gauge, so a migration
            appears there only once a round of it ran to the end. The audit log counts the operator's requests from the
            start until that moment.
            """),
        ("convergence", "4. Convergence of new migrations", """
            Fresh migrations at start: the idle set's N migrations are created (with their Deployments) while no operator runs; the
            operator process then starts, and a watch records when each migration first has a `status.phase`. Each needs
            at least two writes (its finalizer, its first status) before anything else, so at 1,000 this is bounded by
            the operator's client-side rate limit (`--Operator:Qps`, 50 by default); the ≤ 10 s target applies to
            migrations that already have a status (section 3).
            New migrations: with the operator running (and the idle set `Completed`), N new pools are created, then N
            new migrations (the analysis scenario's, with one webhook check each), 8 creates at a time; each migration is
            timed from its create call returning until a watch sees it `AwaitingApproval`.
            """),
        ("memory", "5. Operator memory", """
            VmRSS of the operator process from `/proc/<pid>/status`, the median of 5 samples 1 s apart, taken once the
            idle set is at its gate and 20 s (10 s in quick mode) have passed. Then 5,000 pods of about 2 KB each are created
            directly through the API in another namespace (no scheduler or kubelet runs, so they stay Pending), and RSS
            is sampled the same way 30 s (15 s in quick mode) after the last one: the growth is what the operator keeps for
            pods that belong to no migration. The pods stay for the rest of the run.
            """),
        ("analysis", "6. Analysis interval at scale", """
            N migrations (the new-migrations set of scenario 3) each with one webhook check
            (`analysis.interval: 30s`) pointing at an HTTP server on 127.0.0.1 that answers 200 and records, per
            migration named in the POST body, when each call arrived. They wait at their gate, where analysis keeps
            running. Once every migration has been called at least once, calls are recorded for 5 minutes (2 in quick
            mode); the figures are the gaps between consecutive calls of the same migration within that window, over all
            migrations. The interval is held when the p99 gap is within 10% of the configured interval and no migration
            goes uncalled. A gap longer than the window cannot show up among the gaps: a migration called at most
            once in the window is what reveals it, so read the p99 beside the count of migrations never called.
            """),
        ("latency", "7. A person's change → the status showing it", """
            Right after the idle window, with all N migrations at their gate: 100 sequential changes (after one unmeasured
            pause and resume) cycling over min(N, 50) migrations, each paused (`pooloperator.io/paused=true`, what
            `kubectl pool pause` does) and then resumed (the annotation removed). Each change is timed from sending the
            patch until the watch on the migrations delivers a status that shows it: phase `Paused`, then
            `AwaitingApproval` again. The target compares its p99 with the floor's write → watch event p99 (≤ 3×); the
            ratios to the deployment controller set it beside the platform's own controller. The audit log counts what
            the operator asked of the apiserver from the first change to the last (each change records a `Paused` or
            `Resumed` Event); reconciles are read from `/metrics` before and after.
            """),
        ("breach", "8. Breach → revert", """
            The new-migrations set (N migrations at their gate, 5% of the capacity on V2, one webhook check each,
            `analysis.interval: 30s`, `failureLimit` 3 by default, `rollback.scaleDownDelaySeconds: 0`): after the
            analysis window, the check server on 127.0.0.1 answers 500 to every call from one moment on. Each migration
            is timed from that moment until the watch on the migrations sees it `RollingBack` (the trigger fired) and
            `RolledBack` (everything reverted), and until a watch on Deployments sees its V2 Deployment's
            `spec.replicas` back at its original 0 (the replicas router's traffic is V2's share of the replicas). The
            target is interval × failureLimit + 5 s = 95 s for every migration: the first failed measurement can come up
            to one interval after the breach, the limit needs failureLimit of them in a row, and 5 s is left for the
            revert itself. The check server's own record of each call splits the time in two: until the call that
            completes the streak of failureLimit failures arrives (the analysis schedule), and from that call until the
            status says the trigger fired (the operator's round and its status write). The audit log counts the
            operator's writes until the last migration is `RolledBack`.
            """),
        ("hostile", "9. Hostile metric providers beside healthy migrations", """
            Whether migrations whose metric providers misbehave slow down the others. The new-migrations set (N
            migrations at their gate, one webhook check each, `analysis.interval: 30s`, answered 200 on 127.0.0.1) is
            recorded for one window alone, 5 minutes (2 in quick mode), as in the analysis scenario: the gaps between
            consecutive calls of the same migration and the calls per minute, and the operator's RSS (median of 5 samples
            in the window's last seconds). Then M more migrations (`--hostile M`, default N), in their own namespace with
            their own pools (created before the first window), each get one Prometheus check (`max: 0.01`,
            `timeoutSeconds: 10`, the operator's default retries and circuit breaker) against one of eight servers on
            127.0.0.1, dealt in turn: a body that trickles one space every 100 ms forever, a 50 MB body, JSON that breaks
            off, an HTML page as `text/html`, a 302 redirect to the same port under another host name (`localhost`), HTTPS
            with a self-signed certificate, a `NaN` value, a matrix where a vector is expected. Their first stage has
            weight 0, so only a passing check could make the operator move anything. Once each of them shows a measurement
            of its check, the healthy set is recorded for a second window of the same length. The targets compare the two
            windows of the same run: interval p50 and p99 beside the hostile providers within 1.1× of alone, calls per
            minute alone within 1.1× of beside, no healthy migration left uncalled. The stretch before that window, from
            creating the hostile migrations until each was measured once, is first contact: until the trickle's circuit
            opens, every call to it holds a reconcile for the whole timeout; its healthy gaps (those ending in it,
            counted from 35 s before it) are held to the analysis scenario's interval + 10%. At the end of the second window every
            hostile migration must show an `Inconclusive` check whose message names its provider's fault (for the trickle,
            `did not answer in time`, or `circuit open for` its address once the breaker opened), the resourceVersion of
            each of its Deployments must be the one from before the hostile migrations were created, and the host the
            redirect points to must have had no call. The hostile migrations are then deleted; their servers stop.
            """),
    ];

    private static readonly (string Section, string Breakdown, string Title, string Key)[] Breakdowns =
    [
        ("idle", "idle", "Requests per migration per minute, by verb and resource:", "Request"),
        ("idle", "idle.statusFields", "Status fields the idle writes changed, per migration per minute (a watch on the migrations compares each version with the one before):", "Status field"),
        ("restart", "restart", "Requests per migration from the start until every migration was reconciled, by verb and resource:", "Request"),
        ("latency", "latency", "Requests per change (pause or resume), by verb and resource:", "Request"),
        ("latency", "latency.perReconcile", "API requests per reconcile while pausing and resuming, by verb:", "Verb"),
        ("transition", "transition", "Writes per migration from approval to Completed, by verb and resource:", "Request"),
        ("transition", "transition.statusFields", "Status fields changed per migration from approval to Completed (each status version counts once per field it changed):", "Status field"),
        ("transition", "transition.perReconcile", "API requests per reconcile from approval to Completed, by verb:", "Verb"),
        ("convergence", "convergence.perReconcile", "API requests per reconcile while new migrations converge, by verb:", "Verb"),
        ("breach", "breach", "Writes per migration from the breach until all are RolledBack, by verb and resource:", "Request"),
        ("breach", "breach.perReconcile", "API requests per reconcile from the breach until all are RolledBack, by verb:", "Verb"),
        ("hostile", "hostile", "Calls per minute each hostile provider received in the window beside the healthy migrations (`tls`: connections, as no handshake succeeds):", "Provider"),
    ];

    /// <summary>The hand-written part of the report starts at this line; everything from it on is kept as it is.</summary>
    public const string FindingsMarker = "<!-- Everything below is written by hand and kept when the figures above are regenerated. -->";

    public static void Write(string path, ResultsFile results)
    {
        var findings = File.Exists(path) ? File.ReadAllText(path) is var old && old.IndexOf(FindingsMarker, StringComparison.Ordinal) is var at and >= 0 ? old[at..] : null : null;
        var columns = results.Columns();
        var text = new StringBuilder();
        text.AppendLine("# Benchmarks: what the operator costs the apiserver and memory");
        text.AppendLine();
        text.AppendLine(Paragraph("""
            These figures come from `tests/PoolOperator.Benchmarks`, a command (not a test) that starts a real control
            plane on 127.0.0.1, builds the operator in Release and runs it as its own process
            (`pool-operator run --kubeconfig ...`), drives it only through the Kubernetes API, and counts what the
            operator asks of the apiserver from the apiserver's own audit log, never from the operator's counters. The
            same command, unchanged, measures any version of the operator; each run adds or updates one column below.
            """));
        text.AppendLine();
        text.AppendLine("```sh");
        text.AppendLine("# 100 migrations: 10-15 minutes on a shared 2-core machine (--quick saves about 4)");
        text.AppendLine("dotnet run -c Release --project tests/PoolOperator.Benchmarks -- all --migrations 100 --label after");
        text.AppendLine("# 1,000 migrations (the 5,000 unrelated pods are measured at 100)");
        text.AppendLine("dotnet run -c Release --project tests/PoolOperator.Benchmarks -- all --migrations 1000 --quick --unrelated-pods 0 --label after");
        text.AppendLine("```");
        text.AppendLine();
        text.AppendLine(Paragraph("""
            Scenarios: `all`, or one or several (joined by commas) of `floor`, `peer`, `idle`, `latency`, `restart`,
            `transition`, `convergence`, `memory`, `analysis`, `hostile`, `breach`. Options:
            `--migrations N` (default 100), `--quick` (shorter settling and 2-minute analysis windows), `--label NAME`
            (the column to add or update, default `current`), `--unrelated-pods N` (default 5000), `--hostile M` (the
            hostile scenario's migrations facing misbehaving providers, default N), `--operator PATH`
            (another build: a `pool-operator.dll`, run by `dotnet`, or the natively compiled executable that
            `dotnet publish operator/PoolOperator -c Release` makes and the image ships), `--keep` (keep the control
            plane's directory with the audit log and
            all logs), `--no-report` (print only). The figures are kept in `docs/benchmarks.json`; this file is
            regenerated from it after every run, or on its own with the scenario `report`. A figure that misses its
            target shows ✗ and by how much; ✓ marks one that meets it. `hostile` adds two analysis windows and about a
            minute of first contact to a run (5 minutes at 100 with `--quick`).
            """));
        text.AppendLine();

        text.AppendLine("## Targets at a glance");
        text.AppendLine();
        AppendTable(text, columns, Figures.All.Where(f => f.TargetText.Length > 0).ToList());

        text.AppendLine("## Setup common to all scenarios");
        text.AppendLine();
        text.AppendLine(Paragraph("""
            etcd 3.4, kube-apiserver and kube-controller-manager 1.20.2 on 127.0.0.1. The controller manager runs only
            the garbage-collector, namespace and service-account controllers: instead of the deployment and replicaset
            controllers, a stand-in in the benchmark watches Deployments and writes `status.replicas`, `readyReplicas`,
            `availableReplicas` and `updatedReplicas` = `spec.replicas` and `observedGeneration` = `generation` at once,
            so thousands of pools cost no ReplicaSets or Pods. Each pool is Deployment `NAME-v1` (4 replicas) and
            `NAME-v2` (0). The apiserver runs with `--max-requests-inflight=2000`. Only the peer measurement runs the real
            deployment controller, in a second controller manager, before the pools exist.
            """));
        text.AppendLine();
        text.AppendLine(Paragraph("""
            The operator authenticates with its own static token as user `operator` (group `system:masters`). The
            apiserver's audit policy has two rules: level `Metadata` for user `operator`, then `None`; stage
            `RequestReceived` is omitted, and the log backend writes in batches at least once a second
            (`--audit-log-mode=batch --audit-log-batch-max-wait=1s`). A request counts once, as its `ResponseComplete`
            event, in the window its `requestReceivedTimestamp` falls in, grouped by verb and resource (with
            subresource). Everything the benchmark itself does (creating objects, approving, watching) runs as another
            user and is not counted. The operator runs with its defaults except `--Operator:LeaderElection=false` (one
            replica; a Lease would add a fixed renewal cost whatever the number of migrations).
            """));
        text.AppendLine();

        foreach (var (section, heading, method) in Sections)
        {
            text.AppendLine("## " + heading);
            text.AppendLine();
            text.AppendLine(Paragraph(method));
            text.AppendLine();
            AppendTable(text, columns, Figures.All.Where(f => f.Section == section).ToList());
            foreach (var (_, breakdown, title, key) in Breakdowns.Where(b => b.Section == section))
            {
                AppendBreakdown(text, columns, breakdown, title, key);
            }
        }

        text.AppendLine("## Runs");
        text.AppendLine();
        text.AppendLine("| Column | Date | Machine | Operator | Command |");
        text.AppendLine("|---|---|---|---|---|");
        foreach (var run in columns)
        {
            text.AppendLine($"| {run.Column} | {run.Date} | {run.Machine} | {run.Operator} | `{run.Command}` |");
        }

        text.AppendLine();
        foreach (var run in columns.Where(r => r.Notes.Count > 0))
        {
            text.AppendLine($"Notes on {run.Column}:");
            text.AppendLine();
            foreach (var note in run.Notes)
            {
                text.AppendLine("- " + note);
            }

            text.AppendLine();
        }

        if (findings is not null)
        {
            text.AppendLine(findings.TrimEnd());
        }

        File.WriteAllText(path, text.ToString().TrimEnd() + "\n");
    }

    private static void AppendTable(StringBuilder text, IReadOnlyList<RunResult> columns, IReadOnlyList<FigureDefinition> figures)
    {
        text.Append("| Figure | Target |");
        foreach (var run in columns)
        {
            text.Append(' ').Append(run.Column).Append(" |");
        }

        text.AppendLine();
        text.Append("|---|---|");
        text.AppendLine(string.Concat(columns.Select(_ => "---|")));
        foreach (var figure in figures)
        {
            text.Append("| ").Append(figure.Title).Append(" | ").Append(figure.TargetText.Length > 0 ? figure.TargetText : "–").Append(" |");
            foreach (var run in columns)
            {
                var cell = run.Figures.TryGetValue(figure.Id, out var value) ? FigureFormat.WithVerdict(figure, value, run.Migrations) : "–";
                text.Append(' ').Append(cell).Append(" |");
            }

            text.AppendLine();
        }

        text.AppendLine();
    }

    private static void AppendBreakdown(StringBuilder text, IReadOnlyList<RunResult> columns, string section, string title, string keyHeader)
    {
        var keys = columns.SelectMany(r => r.Breakdowns.TryGetValue(section, out var rows) ? rows.Keys : Enumerable.Empty<string>()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (keys.Count == 0)
        {
            return;
        }

        text.AppendLine(title);
        text.AppendLine();
        text.Append("| ").Append(keyHeader).Append(" |");
        foreach (var run in columns)
        {
            text.Append(' ').Append(run.Column).Append(" |");
        }

        text.AppendLine();
        text.AppendLine("|---|" + string.Concat(columns.Select(_ => "---|")));
        foreach (var key in keys)
        {
            text.Append("| `").Append(key).Append("` |");
            foreach (var run in columns)
            {
                var cell = run.Breakdowns.TryGetValue(section, out var rows) && rows.TryGetValue(key, out var value)
                    ? value.ToString("0.###", CultureInfo.InvariantCulture)
                    : "–";
                text.Append(' ').Append(cell).Append(" |");
            }

            text.AppendLine();
        }

        text.AppendLine();
    }

    private static string Paragraph(string raw) => raw.Trim();
}
