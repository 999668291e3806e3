using System.Diagnostics;
using System.Net.Http.Headers;

namespace ModelGen.ServingLoad.Load;

/// <summary>What one concurrency level measured.</summary>
public sealed record LevelResult(int Concurrency, double Seconds, long Answered, long Failed, double[] LatenciesMs, string? FirstFailure)
{
    public double RequestsPerSecond => Answered / Seconds;

    /// <summary>The latency below which <paramref name="percent"/> % of the answered requests finished, in ms.</summary>
    public double Percentile(double percent) =>
        LatenciesMs.Length == 0 ? double.NaN : LatenciesMs[Math.Min(LatenciesMs.Length - 1, (int)Math.Ceiling(percent / 100 * LatenciesMs.Length) - 1)];
}

/// <summary>
/// <c>concurrency</c> clients, each sending its next request as soon as its last one is answered (a closed loop,
/// as wrk runs), for a fixed time. Every answer that is not 200 is a failure.
/// </summary>
public static class LoadLevel
{
    private static readonly MediaTypeHeaderValue s_json = new("application/json");

    public static async Task<LevelResult> RunAsync(HttpClient client, string path, byte[][] bodies, int concurrency, TimeSpan duration)
    {
        var perClient = new List<double>[concurrency];
        long failed = 0;
        string? firstFailure = null;
        long started = Stopwatch.GetTimestamp();
        long deadline = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(c => Task.Run(async () =>
        {
            var latencies = perClient[c] = new List<double>(1 << 14);
            for (int i = c; Stopwatch.GetTimestamp() < deadline; i += concurrency)
            {
                var content = new ByteArrayContent(bodies[i % bodies.Length]);
                content.Headers.ContentType = s_json;
                long sent = Stopwatch.GetTimestamp();
                try
                {
                    using HttpResponseMessage response = await client.PostAsync(path, content).ConfigureAwait(false);
                    byte[] answer = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                    if (response.IsSuccessStatusCode)
                    {
                        latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                        continue;
                    }
                    Interlocked.CompareExchange(ref firstFailure, $"{(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(answer)}", null);
                }
                catch (HttpRequestException e)
                {
                    Interlocked.CompareExchange(ref firstFailure, e.Message, null);
                }
                Interlocked.Increment(ref failed);
            }
        }))).ConfigureAwait(false);
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        double[] all = [.. perClient.SelectMany(l => l)];
        Array.Sort(all);
        return new LevelResult(concurrency, seconds, all.Length, failed, all, firstFailure);
    }
}
