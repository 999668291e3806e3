using System.Globalization;

namespace ModelGen.ServingLoad.Load;

/// <summary>CPU time and resident memory of a process, and the machine's busy share, from /proc (Linux).</summary>
public static class ProcessStats
{
    private static readonly double s_ticksPerSecond = 100; // USER_HZ: 100 on every Linux the project runs on

    /// <summary>User plus system CPU seconds of process <paramref name="pid"/>, or NaN if unknown.</summary>
    public static double CpuSeconds(int? pid)
    {
        if (pid is null) return double.NaN;
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // After the command: state is field 3; utime and stime are fields 14 and 15 (indices 11 and 12 here).
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / s_ticksPerSecond;
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }

    /// <summary>Resident memory of process <paramref name="pid"/> in MiB, or NaN.</summary>
    public static double ResidentMiB(int? pid)
    {
        if (pid is null) return double.NaN;
        try
        {
            string? line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? double.NaN : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }

    /// <summary>(busy, total) jiffies of all cores since boot: the difference of two readings gives the machine's busy share.</summary>
    public static (long Busy, long Total) MachineTicks()
    {
        string[] cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..];
        long[] values = [.. cpu.Select(v => long.Parse(v, CultureInfo.InvariantCulture))];
        long idle = values[3] + values[4]; // idle + iowait
        long total = values.Sum();
        return (total - idle, total);
    }

    /// <summary>The 1-minute load average.</summary>
    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];
}
