namespace PoolOperator.Benchmarks.Report;

/// <summary>Every figure the benchmark can report, in report order, with the targets the operator must meet.</summary>
internal static class Figures
{
    public const string PatchP50 = "floor.patch.p50";
    public const string PatchP99 = "floor.patch.p99";
    public const string WatchP50 = "floor.watch.p50";
    public const string WatchP99 = "floor.watch.p99";

    public const string PeerP50 = "peer.p50";
    public const string PeerP99 = "peer.p99";
    public const string PeerFloorRatio = "peer.floorRatio";

    public const string IdleRequests = "idle.requests";
    public const string IdleReads = "idle.reads";
    public const string IdleStatusWrites = "idle.statusWrites";
    public const string IdleWrites = "idle.writes";
    public const string IdleErrors = "idle.errors";
    public const string IdleReconciles = "idle.reconciles";
    public const string IdleRequestsPerReconcile = "idle.requestsPerReconcile";
    public const string IdleReconcilesPerSecond = "idle.reconcilesPerSecond";

    public const string LatencyP50 = "latency.p50";
    public const string LatencyP99 = "latency.p99";
    public const string LatencyFloorRatio = "latency.floorRatio";
    public const string LatencyPeerRatioP50 = "latency.peerRatioP50";
    public const string LatencyPeerRatioP99 = "latency.peerRatioP99";
    public const string LatencyRequestsPerChange = "latency.requestsPerChange";
    public const string LatencyWritesPerChange = "latency.writesPerChange";
    public const string LatencyReconcilesPerSecond = "latency.reconcilesPerSecond";
    public const string LatencyRequestsPerReconcile = "latency.requestsPerReconcile";

    public const string BreachLimit = "breach.limit";
    public const string BreachLimitCallP50 = "breach.limitCall.p50";
    public const string BreachLimitCallMax = "breach.limitCall.max";
    public const string BreachCallToTriggerP50 = "breach.callToTrigger.p50";
    public const string BreachCallToTriggerMax = "breach.callToTrigger.max";
    public const string BreachTriggerP50 = "breach.trigger.p50";
    public const string BreachTriggerMax = "breach.trigger.max";
    public const string BreachV2P50 = "breach.v2.p50";
    public const string BreachV2Max = "breach.v2.max";
    public const string BreachRolledBackP50 = "breach.rolledBack.p50";
    public const string BreachRolledBackP99 = "breach.rolledBack.p99";
    public const string BreachRolledBackMax = "breach.rolledBack.max";
    public const string BreachWrites = "breach.writes";
    public const string BreachReconcilesPerSecond = "breach.reconcilesPerSecond";
    public const string BreachRequestsPerReconcile = "breach.requestsPerReconcile";

    public const string TransitionWrites = "transition.writes";
    public const string TransitionSteps = "transition.steps";
    public const string TransitionWritesPerStep = "transition.writesPerStep";
    public const string TransitionRequests = "transition.requests";
    public const string TransitionStatusChanges = "transition.statusChanges";
    public const string TransitionP50 = "transition.p50";
    public const string TransitionMax = "transition.max";
    public const string TransitionAll = "transition.all";
    public const string TransitionReconcilesPerSecond = "transition.reconcilesPerSecond";
    public const string TransitionRequestsPerReconcile = "transition.requestsPerReconcile";

    public const string RestartExistingMetrics = "restart.metrics";
    public const string RestartExistingP50 = "restart.p50";
    public const string RestartExistingAll = "restart.all";
    public const string RestartExistingRequests = "restart.requests";
    public const string RestartExistingWrites = "restart.writes";

    public const string RestartReady = "convergence.restart.ready";
    public const string RestartP50 = "convergence.restart.p50";
    public const string RestartAll = "convergence.restart.all";
    public const string RestartAfterReady = "convergence.restart.afterReady";
    public const string RestartGate = "convergence.restart.gate";
    public const string NewP50 = "convergence.new.p50";
    public const string NewP99 = "convergence.new.p99";
    public const string NewAll = "convergence.new.all";
    public const string NewReconcilesPerSecond = "convergence.new.reconcilesPerSecond";
    public const string NewRequestsPerReconcile = "convergence.new.requestsPerReconcile";

    public const string Rss = "memory.rss";
    public const string RssPeak = "memory.peak";
    public const string RssWithPods = "memory.withPods";
    public const string RssPodsGrowth = "memory.podsGrowth";

    public const string AnalysisConfigured = "analysis.configured";
    public const string AnalysisP50 = "analysis.p50";
    public const string AnalysisP99 = "analysis.p99";
    public const string AnalysisMax = "analysis.max";
    public const string AnalysisUncalled = "analysis.uncalled";
    public const string AnalysisCallsPerMinute = "analysis.callsPerMinute";
    public const string AnalysisMeanInterval = "analysis.meanInterval";

    public const string HostileMigrations = "hostile.migrations";
    public const string HostileAloneP50 = "hostile.alone.p50";
    public const string HostileAloneP99 = "hostile.alone.p99";
    public const string HostileAloneCallsPerMinute = "hostile.alone.callsPerMinute";
    public const string HostileAloneRss = "hostile.alone.rss";
    public const string HostileBesideP50 = "hostile.beside.p50";
    public const string HostileBesideP99 = "hostile.beside.p99";
    public const string HostileBesideCallsPerMinute = "hostile.beside.callsPerMinute";
    public const string HostileBesideMax = "hostile.beside.max";
    public const string HostileBesideRss = "hostile.beside.rss";
    public const string HostileFirstContactP99 = "hostile.firstContact.p99";
    public const string HostileFirstContactMax = "hostile.firstContact.max";
    public const string HostileBesideUncalled = "hostile.beside.uncalled";
    public const string HostileRatioP50 = "hostile.ratio.p50";
    public const string HostileRatioP99 = "hostile.ratio.p99";
    public const string HostileRatioRate = "hostile.ratio.rate";
    public const string HostileRssGrowth = "hostile.rssGrowth";
    public const string HostileProviderCalls = "hostile.providerCalls";
    public const string HostileUnnamed = "hostile.unnamed";
    public const string HostileTouched = "hostile.touched";
    public const string HostileFollowedRedirects = "hostile.followedRedirects";

    /// <summary>Beside hostile providers the healthy migrations keep their pace within this factor of the pace alone.</summary>
    public const double HostilePaceRatioTarget = 1.1;

    /// <summary>The configured analysis interval of the analysis scenario, in seconds.</summary>
    public const int AnalysisIntervalSeconds = 30;

    /// <summary>The analysis failure limit the breach scenario's migrations run with (the API's default).</summary>
    public const int FailureLimit = 3;

    /// <summary>Breach → revert within interval × failureLimit + 5 s.</summary>
    public const int BreachTargetSeconds = (AnalysisIntervalSeconds * FailureLimit) + 5;

    /// <summary>Watch-event-to-status p99 within this many times the floor's write → watch event p99.</summary>
    public const double LatencyFloorRatioTarget = 3;

    public static IReadOnlyList<FigureDefinition> All { get; } =
    [
        new(PatchP50, "floor", "Bare PATCH round trip, p50", "ms", 1),
        new(PatchP99, "floor", "Bare PATCH round trip, p99", "ms", 1),
        new(WatchP50, "floor", "Write → watch event seen, p50", "ms", 1),
        new(WatchP99, "floor", "Write → watch event seen, p99", "ms", 1),

        new(PeerP50, "peer", "Deployment spec change → its ReplicaSet's write seen by a watch, p50", "ms", 1),
        new(PeerP99, "peer", "Deployment spec change → its ReplicaSet's write seen by a watch, p99", "ms", 1),
        new(PeerFloorRatio, "peer", "Deployment controller p99 ÷ the floor's write → watch event p99", "×", 1),

        new(IdleRequests, "idle", "API requests per migration per minute", "", 2),
        new(IdleReads, "idle", "… of which reads (get, list, watch)", "", 2),
        new(IdleWrites, "idle", "… of which writes", "", 2),
        new(IdleStatusWrites, "idle", "Status writes per migration per minute", "", 2),
        new(IdleErrors, "idle", "Requests answered 4xx/5xx per migration per minute", "", 2),
        new(IdleReconciles, "idle", "Reconciles per migration per minute (operator's /metrics)", "", 2),
        new(IdleRequestsPerReconcile, "idle", "API requests per no-op reconcile (idle requests ÷ reconciles)", "", 2, "0", _ => new Target(Comparison.AtMost, 0)),
        new(IdleReconcilesPerSecond, "idle", "Reconciles per second, all migrations (operator's /metrics)", "", 2),

        new(LatencyP50, "latency", "Pause or resume annotation → status showing it seen by a watch, p50", "ms", 1),
        new(LatencyP99, "latency", "Pause or resume annotation → status showing it seen by a watch, p99", "ms", 1),
        new(LatencyFloorRatio, "latency", "Change → status p99 ÷ the floor's write → watch event p99", "×", 1, "≤ 3×", _ => new Target(Comparison.AtMost, LatencyFloorRatioTarget)),
        new(LatencyPeerRatioP50, "latency", "Change → status p50 ÷ the deployment controller's p50 (peer)", "×", 1),
        new(LatencyPeerRatioP99, "latency", "Change → status p99 ÷ the deployment controller's p99 (peer)", "×", 1),
        new(LatencyRequestsPerChange, "latency", "API requests per change", "", 2),
        new(LatencyWritesPerChange, "latency", "… of which writes", "", 2),
        new(LatencyReconcilesPerSecond, "latency", "Reconciles per second, all migrations (operator's /metrics)", "", 2),
        new(LatencyRequestsPerReconcile, "latency", "API requests per reconcile", "", 2),

        new(TransitionWrites, "transition", "Writes per migration, approval → Completed", "", 2),
        new(TransitionSteps, "transition", "Phase/stage changes per migration, approval → Completed", "", 2),
        new(TransitionWritesPerStep, "transition", "Writes per stage transition", "", 2, "≤ 3", _ => new Target(Comparison.AtMost, 3)),
        new(TransitionStatusChanges, "transition", "Status versions per migration a watch saw, approval → Completed", "", 2),
        new(TransitionRequests, "transition", "All requests per migration, approval → Completed", "", 2),
        new(TransitionP50, "transition", "Approval → Completed per migration, p50", "s", 1),
        new(TransitionMax, "transition", "Approval → Completed per migration, max", "s", 1),
        new(TransitionAll, "transition", "Approval of all → all Completed", "s", 1),
        new(TransitionReconcilesPerSecond, "transition", "Reconciles per second, approval → Completed (operator's /metrics)", "", 2),
        new(TransitionRequestsPerReconcile, "transition", "API requests per reconcile, approval → Completed", "", 2),

        new(RestartExistingMetrics, "restart", "Operator start → /metrics answers", "s", 1),
        new(RestartExistingP50, "restart", "Operator start → a migration reconciled once, p50", "s", 1),
        new(RestartExistingAll, "restart", "Operator restart → every existing migration reconciled once", "s", 1, "≤ 10 s", _ => new Target(Comparison.AtMost, 10)),
        new(RestartExistingRequests, "restart", "API requests per migration until then", "", 2),
        new(RestartExistingWrites, "restart", "… of which writes", "", 2),

        new(RestartReady, "convergence", "Operator start → /readyz answers 200", "s", 1),
        new(RestartP50, "convergence", "Operator start → a pre-existing migration has a status, p50", "s", 1),
        new(RestartAll, "convergence", "Operator start → every pre-existing migration has a status", "s", 1),
        new(RestartAfterReady, "convergence", "/readyz answers → every pre-existing migration has a status", "s", 1),
        new(RestartGate, "convergence", "Operator start → every pre-existing migration at its gate", "s", 1),
        new(NewP50, "convergence", "New migration created → at its gate, p50", "s", 1),
        new(NewP99, "convergence", "New migration created → at its gate, p99", "s", 1),
        new(NewAll, "convergence", "First of N created → all N at their gate", "s", 1),
        new(NewReconcilesPerSecond, "convergence", "Reconciles per second until all N at their gate (operator's /metrics)", "", 2),
        new(NewRequestsPerReconcile, "convergence", "API requests per reconcile until all N at their gate", "", 2),

        new(Rss, "memory", "Operator RSS after settling", "MiB", 0, "≤ 80 MiB at 100, ≤ 150 MiB at 1,000", RssTarget),
        new(RssPeak, "memory", "Operator peak RSS so far (VmHWM)", "MiB", 0),
        new(RssWithPods, "memory", "Operator RSS with 5,000 unrelated pods", "MiB", 0),
        new(RssPodsGrowth, "memory", "RSS growth from 5,000 unrelated pods", "MiB", 1, "< 5 MiB", _ => new Target(Comparison.Below, 5)),

        new(AnalysisConfigured, "analysis", "Configured analysis interval", "s", 0),
        new(AnalysisP50, "analysis", "Actual interval between calls, p50", "s", 1),
        new(AnalysisP99, "analysis", "Actual interval between calls, p99", "s", 1, "≤ 33 s (interval + 10%)", _ => new Target(Comparison.AtMost, AnalysisIntervalSeconds * 1.1)),
        new(AnalysisMax, "analysis", "Actual interval between calls, max", "s", 1),
        new(AnalysisUncalled, "analysis", "Migrations never called in the window", "", 0, "0", _ => new Target(Comparison.AtMost, 0)),
        new(AnalysisCallsPerMinute, "analysis", "Webhook calls per minute, all migrations", "", 0),
        new(AnalysisMeanInterval, "analysis", "Mean interval the call rate allows (migrations ÷ calls per minute)", "s", 1, "≤ 33 s", _ => new Target(Comparison.AtMost, AnalysisIntervalSeconds * 1.1)),

        new(BreachLimit, "breach", "Configured interval × failureLimit + 5 s", "s", 0),
        new(BreachLimitCallP50, "breach", "Check starts failing → the failureLimit-th failing call arrives, p50", "s", 1),
        new(BreachLimitCallMax, "breach", "Check starts failing → the failureLimit-th failing call arrives, max", "s", 1),
        new(BreachCallToTriggerP50, "breach", "That call → a watch sees RollingBack, p50", "s", 1),
        new(BreachCallToTriggerMax, "breach", "That call → a watch sees RollingBack, max", "s", 1),
        new(BreachTriggerP50, "breach", "Check starts failing → a watch sees RollingBack, p50", "s", 1),
        new(BreachTriggerMax, "breach", "Check starts failing → a watch sees RollingBack, max", "s", 1),
        new(BreachV2P50, "breach", "Check starts failing → V2 Deployment back to its original replicas, p50", "s", 1),
        new(BreachV2Max, "breach", "Check starts failing → V2 Deployment back to its original replicas, max", "s", 1, $"≤ {BreachTargetSeconds} s", _ => new Target(Comparison.AtMost, BreachTargetSeconds)),
        new(BreachRolledBackP50, "breach", "Check starts failing → a watch sees RolledBack, p50", "s", 1),
        new(BreachRolledBackP99, "breach", "Check starts failing → a watch sees RolledBack, p99", "s", 1),
        new(BreachRolledBackMax, "breach", "Check starts failing → a watch sees RolledBack, max", "s", 1, $"≤ {BreachTargetSeconds} s", _ => new Target(Comparison.AtMost, BreachTargetSeconds)),
        new(BreachWrites, "breach", "Writes per migration, breach → RolledBack", "", 2),
        new(BreachReconcilesPerSecond, "breach", "Reconciles per second, breach → all RolledBack (operator's /metrics)", "", 2),
        new(BreachRequestsPerReconcile, "breach", "API requests per reconcile, breach → all RolledBack", "", 2),

        new(HostileMigrations, "hostile", "Hostile migrations beside the N healthy ones", "", 0),
        new(HostileAloneP50, "hostile", "Healthy migrations alone: actual interval between calls, p50", "s", 1),
        new(HostileAloneP99, "hostile", "Healthy migrations alone: actual interval between calls, p99", "s", 1),
        new(HostileAloneCallsPerMinute, "hostile", "Healthy migrations alone: webhook calls per minute", "", 0),
        new(HostileAloneRss, "hostile", "Healthy migrations alone: operator RSS", "MiB", 0),
        new(HostileBesideP50, "hostile", "Beside hostile providers: actual interval between calls, p50", "s", 1),
        new(HostileBesideP99, "hostile", "Beside hostile providers: actual interval between calls, p99", "s", 1),
        new(HostileBesideCallsPerMinute, "hostile", "Beside hostile providers: webhook calls per minute", "", 0),
        new(HostileBesideMax, "hostile", "Beside hostile providers: actual interval between calls, max", "s", 1),
        new(HostileBesideRss, "hostile", "Beside hostile providers: operator RSS", "MiB", 0),
        new(HostileBesideUncalled, "hostile", "Beside hostile providers: healthy migrations never called in the window", "", 0, "0", _ => new Target(Comparison.AtMost, 0)),
        new(HostileRatioP50, "hostile", "Interval p50 beside hostile providers ÷ alone", "×", 2, "≤ 1.1×", _ => new Target(Comparison.AtMost, HostilePaceRatioTarget)),
        new(HostileRatioP99, "hostile", "Interval p99 beside hostile providers ÷ alone", "×", 2, "≤ 1.1×", _ => new Target(Comparison.AtMost, HostilePaceRatioTarget)),
        new(HostileRatioRate, "hostile", "Calls per minute alone ÷ beside hostile providers", "×", 2, "≤ 1.1×", _ => new Target(Comparison.AtMost, HostilePaceRatioTarget)),
        new(HostileFirstContactP99, "hostile", "First contact (hostile migrations created → each measured once): actual interval between calls, p99", "s", 1),
        new(HostileFirstContactMax, "hostile", "First contact: actual interval between calls, max", "s", 1, "≤ 33 s (interval + 10%)", _ => new Target(Comparison.AtMost, AnalysisIntervalSeconds * 1.1)),
        new(HostileRssGrowth, "hostile", "Operator RSS beside hostile providers − alone", "MiB", 1),
        new(HostileProviderCalls, "hostile", "Calls the hostile providers received in the window", "", 0),
        new(HostileUnnamed, "hostile", "Hostile migrations whose status does not name the provider's fault", "", 0, "0", _ => new Target(Comparison.AtMost, 0)),
        new(HostileTouched, "hostile", "Hostile migrations whose Deployments changed", "", 0, "0", _ => new Target(Comparison.AtMost, 0)),
        new(HostileFollowedRedirects, "hostile", "Calls that reached the host a redirect points to", "", 0, "0", _ => new Target(Comparison.AtMost, 0)),
    ];

    public static FigureDefinition Get(string id) => All.First(f => f.Id == id);

    private static Target? RssTarget(int migrations) => migrations switch
    {
        <= 100 => new Target(Comparison.AtMost, 80),
        <= 1000 => new Target(Comparison.AtMost, 150),
        _ => null,
    };
}
