namespace PoolOperator.Runtime.Http;

/// <summary>Answers one request to an endpoint; the response is sent as it is written and completed after the handler returns.</summary>
public delegate Task EndpointHandler(EndpointRequest request, EndpointResponse response, CancellationToken cancellationToken);

/// <summary>A path the <see cref="EndpointServer"/> answers GET and HEAD requests on.</summary>
/// <param name="Path">The exact path, starting with '/'; the query string is not part of it.</param>
/// <param name="Handle">What answers it.</param>
public sealed record HttpEndpoint(string Path, EndpointHandler Handle);
