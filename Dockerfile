# Builds the operator image: docker build -t pool-operator:dev .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props PoolOperator.sln ./
COPY crds/ crds/
COPY operator/ operator/
RUN dotnet publish operator/PoolOperator/PoolOperator.csproj -c Release -o /app --no-self-contained

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["dotnet", "pool-operator.dll"]
CMD ["run"]
