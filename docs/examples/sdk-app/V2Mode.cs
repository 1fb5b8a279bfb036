namespace SdkApp;

/// <summary>How the V2 implementation behaves, to drive a migration forward or into a rollback.</summary>
internal enum V2Mode
{
    /// <summary>Answers exactly as V1 does.</summary>
    Same,

    /// <summary>Prices one cent higher: every shadow comparison is a mismatch.</summary>
    Diverge,

    /// <summary>Every call throws.</summary>
    Fail,
}
