using System.Diagnostics;
using System.Globalization;

namespace ModelGen.ServingLoad.Load;

/// <summary>
/// <c>serving-load load</c>: checks the server answers the model's metadata, then runs each concurrency level
/// (a warm-up, then the measured time) and prints one row per level with the machine it ran on.
/// </summary>
public static class LoadCommand
{
    public static async Task<int> RunAsync(Arguments arguments, TextWriter output)
    {
        var url = new Uri(arguments.Text("--url", "http://127.0.0.1:8080"));
        if (!url.IsLoopback) throw new UsageException($"--url: {url} is not a loopback address; load tests stay on this machine");
        string name = arguments.Text("--name", "mnist");
        int[] levels = arguments.Numbers("--concurrency", [1, 16, 64]);
        var duration = TimeSpan.FromSeconds(arguments.Number("--duration", 10));
        var warmup = TimeSpan.FromSeconds(arguments.Number("--warmup", 2, min: 0));
        int batch = arguments.Number("--batch", 1);
        int? pid = arguments.Text("--server-pid", "") is { Length: > 0 } text ? int.Parse(text, CultureInfo.InvariantCulture) : null;
        arguments.CheckAllRead();

        byte[][] bodies = RequestBodies.FromMnistTestSet(batch, 64);
        using var handler = new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = Timeout.InfiniteTimeSpan, MaxConnectionsPerServer = levels.Max() };
        using var client = new HttpClient(handler) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        using (HttpResponseMessage metadata = await client.GetAsync($"/v2/models/{name}").ConfigureAwait(false))
        {
            if (!metadata.IsSuccessStatusCode) throw new UsageException($"{url}v2/models/{name} answered {(int)metadata.StatusCode}; is the server up and serving '{name}'?");
        }
        var probe = new ServerProbe(client, pid);
        string path = $"/v2/models/{name}/infer";

        await output.WriteLineAsync($"{Machine()}; load average {ProcessStats.LoadAverage()} before the run").ConfigureAwait(false);
        await output.WriteLineAsync($"{url} model '{name}', {batch} MNIST test image(s) per request (UINT8), {duration.TotalSeconds:0} s per level after {warmup.TotalSeconds:0} s of warm-up").ConfigureAwait(false);
        await output.WriteLineAsync("| concurrency | requests/s | p50 ms | p99 ms | failed | server CPU (cores) | client CPU (cores) | machine busy | server RSS MiB | server bytes/request | load avg |").ConfigureAwait(false);
        await output.WriteLineAsync("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|").ConfigureAwait(false);
        int failures = 0;
        foreach (int concurrency in levels)
        {
            if (warmup > TimeSpan.Zero) await LoadLevel.RunAsync(client, path, bodies, concurrency, warmup).ConfigureAwait(false);
            ServerProbe.Reading before = await probe.ReadAsync().ConfigureAwait(false);
            TimeSpan clientBefore = Process.GetCurrentProcess().TotalProcessorTime;
            LevelResult result = await LoadLevel.RunAsync(client, path, bodies, concurrency, duration).ConfigureAwait(false);
            TimeSpan clientCpu = Process.GetCurrentProcess().TotalProcessorTime - clientBefore;
            ServerProbe.Reading after = await probe.ReadAsync().ConfigureAwait(false);
            double busy = (double)(after.MachineBusy - before.MachineBusy) / Math.Max(1, after.MachineTotal - before.MachineTotal);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"| {concurrency} | {result.RequestsPerSecond:0} | {result.Percentile(50):0.000} | {result.Percentile(99):0.000} | {result.Failed} | " +
                $"{(after.CpuSeconds - before.CpuSeconds) / result.Seconds:0.00} | {clientCpu.TotalSeconds / result.Seconds:0.00} | {busy:P0} | " +
                $"{after.ResidentMiB:0} | {(after.AllocatedBytes - before.AllocatedBytes) / Math.Max(1, result.Answered + result.Failed):0} | {ProcessStats.LoadAverage()} |")).ConfigureAwait(false);
            if (result.Failed > 0)
            {
                failures++;
                await output.WriteLineAsync($"  first failure: {result.FirstFailure}").ConfigureAwait(false);
            }
        }
        return failures == 0 ? 0 : 1;
    }

    private static string Machine()
    {
        string cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        bool avx512 = File.ReadAllText("/proc/cpuinfo").Contains(" avx512f", StringComparison.Ordinal);
        return $"{Environment.ProcessorCount} cores of {cpu} ({(avx512 ? "AVX-512" : "no AVX-512")})";
    }
}
