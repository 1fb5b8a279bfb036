namespace PoolOperator.Core;

/// <summary>Outcome of one measurement. Inconclusive means "could not judge", never "V2 is bad".</summary>
public enum Verdict
{
    Pass,
    Fail,
    Inconclusive,
}
