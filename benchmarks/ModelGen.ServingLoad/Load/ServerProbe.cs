using System.Globalization;

namespace ModelGen.ServingLoad.Load;

/// <summary>The server's side of a measurement: CPU seconds and memory from /proc, bytes allocated from its /metrics.</summary>
public sealed class ServerProbe(HttpClient client, int? pid)
{
    /// <summary>The .NET runtime's counter of bytes allocated since start (the System.Runtime meter), as Prometheus names it.</summary>
    private const string AllocatedMetric = "dotnet_gc_heap_total_allocated_bytes_total";

    public sealed record Reading(double CpuSeconds, double ResidentMiB, double AllocatedBytes, long MachineBusy, long MachineTotal);

    public async Task<Reading> ReadAsync()
    {
        (long busy, long total) = ProcessStats.MachineTicks();
        return new Reading(ProcessStats.CpuSeconds(pid), ProcessStats.ResidentMiB(pid), await AllocatedAsync().ConfigureAwait(false), busy, total);
    }

    private async Task<double> AllocatedAsync()
    {
        try
        {
            string text = await client.GetStringAsync("/metrics").ConfigureAwait(false);
            string? line = text.Split('\n').FirstOrDefault(l => l.StartsWith(AllocatedMetric, StringComparison.Ordinal));
            return line is null ? double.NaN : double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
        }
        catch (HttpRequestException)
        {
            return double.NaN;
        }
    }
}
