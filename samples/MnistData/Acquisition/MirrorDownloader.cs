using System.IO.Compression;
using Spectre.Console;

namespace ModelGen.Samples.Mnist.Acquisition;

/// <summary>
/// Downloads gzip-compressed MNIST files from mirror base URLs, trying the mirrors in order for
/// each file. A file enters the cache decompressed, and only once its SHA-256 is right.
/// </summary>
public sealed class MirrorDownloader(IReadOnlyList<Uri> mirrors, TimeSpan idleTimeout, IAnsiConsole console) : IDisposable
{
    private readonly HttpClient _http = CreateClient();

    /// <summary>Downloads every file of <paramref name="files"/> into <paramref name="cacheFolder"/>, with a progress bar each.</summary>
    /// <exception cref="SampleException">A file could not be had from any mirror; the message says why for each.</exception>
    public async Task DownloadAsync(IReadOnlyList<MnistFile> files, string cacheFolder, CancellationToken cancellationToken)
    {
        if (mirrors.Count == 0)
            throw new SampleException($"no MNIST mirror is configured to download {files[0].Name} from (use --mirror URL or {AcquisitionSettings.MirrorsVariable}).");
        var fallbacks = new List<string>();
        MnistFile? failed = null;
        List<string> reasons = [];
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn())
            .StartAsync(async context =>
            {
                foreach (MnistFile file in files)
                {
                    ProgressTask task = context.AddTask(file.GzipName);
                    var failures = new List<string>();
                    bool done = await DownloadOneAsync(file, cacheFolder, task, failures, cancellationToken).ConfigureAwait(false);
                    task.StopTask();
                    if (!done)
                    {
                        (failed, reasons) = (file, failures);
                        return;
                    }
                    fallbacks.AddRange(failures);
                }
            }).ConfigureAwait(false);
        if (failed is not null)
            throw new SampleException($"could not download {failed.GzipName} from any mirror: {string.Join("; ", reasons)}.");
        // Some mirror failed but another one served the file: worth knowing, not an error.
        foreach (string fallback in fallbacks) console.MarkupLineInterpolated($"[yellow]warning:[/] {fallback}");
    }

    // Tries each mirror in turn; records why each one failed. Returns whether one succeeded.
    private async Task<bool> DownloadOneAsync(MnistFile file, string cacheFolder, ProgressTask task, List<string> failures, CancellationToken cancellationToken)
    {
        foreach (Uri mirror in mirrors)
        {
            var url = new Uri(mirror, file.GzipName);
            try
            {
                await DownloadFromAsync(url, file, Path.Combine(cacheFolder, file.Name), task, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or InvalidDataException or SampleException
                                        || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                failures.Add(e is SampleException ? e.Message.TrimEnd('.') : $"{url}: {Describe(e)}");
                task.Value = 0;
            }
        }
        return false;
    }

    private async Task DownloadFromAsync(Uri url, MnistFile file, string destination, ProgressTask task, CancellationToken cancellationToken)
    {
        // Every read must make progress within the idle timeout; a whole-download timeout would
        // either cut off a slow but working connection or wait far too long on a dead one.
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(idleTimeout);
        using HttpResponseMessage response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, idle.Token).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
        long? compressedLength = response.Content.Headers.ContentLength;
        task.MaxValue = compressedLength ?? 1;
        task.IsIndeterminate = compressedLength is null;
        await using Stream body = await response.Content.ReadAsStreamAsync(idle.Token).ConfigureAwait(false);
        await using var counted = new ReadProgressStream(body, bytes =>
        {
            task.Value = compressedLength is null ? 0 : bytes;
            idle.CancelAfter(idleTimeout);
        });
        await using var gzip = new GZipStream(counted, CompressionMode.Decompress);
        await VerifiedCopy.CopyAsync(gzip, file, destination, url.ToString(), progress: null, idle.Token).ConfigureAwait(false);
        task.Value = task.MaxValue;
    }

    private static string Describe(Exception e) => e switch
    {
        OperationCanceledException => "no data received for too long",
        InvalidDataException => "not a valid gzip file (" + e.Message.TrimEnd('.') + ")",
        _ => e.Message.TrimEnd('.'),
    };

    private static HttpClient CreateClient()
    {
        // The idle timeout above governs; HttpClient's own 100 s limit would cut off the
        // 9.9 MB training images on a slow link.
        var client = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("ModelGen-MNIST-sample/1.0");
        return client;
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
