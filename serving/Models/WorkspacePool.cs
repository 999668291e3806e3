namespace ModelGen.Serving;

/// <summary>
/// The workspaces of one loaded model, shared by concurrent requests: a request rents one, runs its forward
/// passes in it and gives it back. A fixed array of slots swapped with Interlocked: no lock, and nothing is
/// allocated once every slot has been filled. When all are rented a new workspace is made (the server's
/// concurrency gate keeps that to its limit); one returned to a full pool is dropped.
/// </summary>
internal sealed class WorkspacePool<TWorkspace> where TWorkspace : class, IWorkspace
{
    private readonly TWorkspace?[] _slots;
    private readonly Func<TWorkspace> _create;
    private int _created;

    public WorkspacePool(int size, Func<TWorkspace> create)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        _slots = new TWorkspace?[size];
        _create = create;
    }

    /// <summary>How many workspaces were made so far (the pool's high-water mark of concurrent use).</summary>
    public int Created => Volatile.Read(ref _created);

    public TWorkspace Rent()
    {
        for (int i = 0; i < _slots.Length; i++)
        {
            TWorkspace? workspace = Interlocked.Exchange(ref _slots[i], null);
            if (workspace is not null) return workspace;
        }
        Interlocked.Increment(ref _created);
        return _create();
    }

    public void Return(TWorkspace workspace)
    {
        for (int i = 0; i < _slots.Length; i++)
        {
            if (Interlocked.CompareExchange(ref _slots[i], workspace, null) is null) return;
        }
    }
}
