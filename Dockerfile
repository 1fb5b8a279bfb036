# Builds the operator image: docker build -t pool-operator:dev .
# The operator is published ahead of time into one native executable (PublishAot in its csproj), so the image
# carries no .NET runtime and no JIT.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
RUN apt-get update && apt-get install -y --no-install-recommends clang zlib1g-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props PoolOperator.sln ./
COPY crds/ crds/
COPY operator/ operator/
RUN dotnet publish operator/PoolOperator/PoolOperator.csproj -c Release -o /app --use-current-runtime

FROM mcr.microsoft.com/dotnet/runtime-deps:10.0
WORKDIR /app
COPY --from=build /app/pool-operator ./
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/app/pool-operator"]
CMD ["run"]
