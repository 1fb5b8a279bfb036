namespace PoolOperator.Analysis;

public enum Verdict
{
    Pass,
    Fail,
    Inconclusive,
}
