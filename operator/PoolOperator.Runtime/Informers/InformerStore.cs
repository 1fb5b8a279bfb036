using k8s;
using k8s.Models;

namespace PoolOperator.Runtime.Informers;

/// <summary>
/// The cached objects of one list/watch scope, and the changes each update makes to them. Changes are handed to
/// <c>raise</c> after the store's lock is released, in the order they happened.
/// </summary>
internal sealed class InformerStore<T>(Action<IReadOnlyList<InformerEvent<T>>> raise)
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly Lock _lock = new();
    private readonly Dictionary<NamespacedName, T> _items = [];

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _items.Count;
            }
        }
    }

    public T? Get(NamespacedName key)
    {
        lock (_lock)
        {
            return _items.GetValueOrDefault(key);
        }
    }

    public List<T> Snapshot(Func<T, bool>? where = null)
    {
        lock (_lock)
        {
            return where is null ? [.. _items.Values] : [.. _items.Values.Where(where)];
        }
    }

    /// <summary>Makes the store hold exactly <paramref name="items"/>, as after a full list.</summary>
    public void Replace(IReadOnlyCollection<T> items)
    {
        var events = new List<InformerEvent<T>>();
        lock (_lock)
        {
            var seen = new HashSet<NamespacedName>();
            foreach (var item in items)
            {
                var key = NamespacedName.Of(item);
                seen.Add(key);
                if (!_items.TryGetValue(key, out var old))
                {
                    events.Add(new InformerEvent<T>(InformerEventType.Added, null, item));
                }
                else if (old.Metadata?.ResourceVersion != item.Metadata?.ResourceVersion)
                {
                    events.Add(new InformerEvent<T>(InformerEventType.Modified, old, item));
                }

                _items[key] = item;
            }

            // Whatever vanished while nobody watched is gone now; subscribers hear it as if it had been seen to go.
            foreach (var key in _items.Keys.Where(k => !seen.Contains(k)).ToList())
            {
                _items.Remove(key, out var old);
                events.Add(new InformerEvent<T>(InformerEventType.Deleted, old, null));
            }
        }

        raise(events);
    }

    public void Upsert(T obj)
    {
        var key = NamespacedName.Of(obj);
        T? old;
        lock (_lock)
        {
            _items.TryGetValue(key, out old);
            if (old is not null && old.Metadata?.ResourceVersion == obj.Metadata?.ResourceVersion)
            {
                return;
            }

            _items[key] = obj;
        }

        raise([new InformerEvent<T>(old is null ? InformerEventType.Added : InformerEventType.Modified, old, obj)]);
    }

    /// <summary>Drops a deleted object; the Deleted change carries its final state, newer than the cached copy.</summary>
    public void Remove(T deleted, bool raiseIfUncached)
    {
        bool wasCached;
        lock (_lock)
        {
            wasCached = _items.Remove(NamespacedName.Of(deleted));
        }

        if (wasCached || raiseIfUncached)
        {
            raise([new InformerEvent<T>(InformerEventType.Deleted, deleted, null)]);
        }
    }

    /// <summary>Drops an object that still exists but no longer belongs here, as a Deleted change carrying the cached copy.</summary>
    public void Evict(NamespacedName key)
    {
        T? old;
        lock (_lock)
        {
            _items.Remove(key, out old);
        }

        if (old is not null)
        {
            raise([new InformerEvent<T>(InformerEventType.Deleted, old, null)]);
        }
    }

    /// <summary>Drops, without raising changes, every object <paramref name="keep"/> rejects.</summary>
    public int Prune(Func<T, bool> keep)
    {
        lock (_lock)
        {
            var dropped = _items.Where(e => !keep(e.Value)).Select(e => e.Key).ToList();
            foreach (var key in dropped)
            {
                _items.Remove(key);
            }

            return dropped.Count;
        }
    }
}
