using System.Reflection;
using k8s;
using k8s.Models;

namespace PoolOperator.Runtime.Informers;

/// <summary>Restores apiVersion and kind, which list responses leave out of their items.</summary>
internal static class TypeMeta<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private static readonly KubernetesEntityAttribute? Entity = typeof(T).GetCustomAttribute<KubernetesEntityAttribute>();

    public static string? ApiVersion { get; } = Entity is null
        ? null
        : string.IsNullOrEmpty(Entity.Group) ? Entity.ApiVersion : $"{Entity.Group}/{Entity.ApiVersion}";

    public static string? Kind { get; } = Entity?.Kind;

    public static T Fill(T obj)
    {
        if (string.IsNullOrEmpty(obj.ApiVersion) && ApiVersion is not null)
        {
            obj.ApiVersion = ApiVersion;
        }

        if (string.IsNullOrEmpty(obj.Kind) && Kind is not null)
        {
            obj.Kind = Kind;
        }

        return obj;
    }
}
