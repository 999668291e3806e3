using ModelGen.Samples.Mnist;
using ModelGen.Samples.Mnist.Acquisition;
using ModelGen.Samples.Mnist.Cli;

namespace ModelGen.Mnist.Tests;

/// <summary>Downloads from mirrors served on 127.0.0.1: good, corrupt and truncated files, and falling back between mirrors.</summary>
public sealed class HttpAcquisitionTests : IDisposable
{
    private readonly TestFolder _cache = new();
    private readonly StringWriter _log = new();

    public void Dispose() => _cache.Dispose();

    private MnistAcquirer Acquirer(IReadOnlyList<MnistFile> files, params Uri[] mirrors) => new(new AcquisitionSettings
    {
        CacheFolder = _cache.Path,
        UseNpm = false,
        Mirrors = mirrors,
        Files = files,
        IdleTimeout = TimeSpan.FromSeconds(20),
    }, MnistCli.PlainConsole(_log));

    [Fact]
    public async Task Good_gzip_files_are_decompressed_verified_and_cached()
    {
        var files = SyntheticFiles.Pair();
        await using var server = new LoopbackHttpServer();
        foreach (var (file, content) in files) server.Serve(file.GzipName, SyntheticFiles.Gzip(content));

        string folder = await Acquirer(files.Select(f => f.File).ToArray(), server.BaseUrl).AcquireAsync(CancellationToken.None);

        Assert.Equal(_cache.Path, folder);
        foreach (var (file, content) in files) Assert.Equal(content, File.ReadAllBytes(_cache.File(file.Name)));
        // Only the decompressed files: no .gz, no partial downloads left over.
        Assert.Equal(files.Select(f => f.File.Name).Order(StringComparer.Ordinal), _cache.FileNames());
        Assert.Equal(files.Select(f => "/" + f.File.GzipName), server.Requests);
    }

    [Fact]
    public async Task A_file_with_the_wrong_hash_never_enters_the_cache()
    {
        var (file, content) = SyntheticFiles.Make("t10k-labels-idx1-ubyte", 5_000, 3);
        byte[] corrupt = (byte[])content.Clone();
        corrupt[1234] ^= 0x40; // same length, one bit different
        await using var server = new LoopbackHttpServer();
        server.Serve(file.GzipName, SyntheticFiles.Gzip(corrupt));

        var error = await Assert.ThrowsAsync<SampleException>(() => Acquirer([file], server.BaseUrl).AcquireAsync(CancellationToken.None));

        Assert.Equal(
            $"could not download t10k-labels-idx1-ubyte.gz from any mirror: t10k-labels-idx1-ubyte from {server.BaseUrl}t10k-labels-idx1-ubyte.gz " +
            $"fails its SHA-256 check (got {Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(corrupt))}, expected {file.Sha256}); it was not used.",
            error.Message);
        Assert.Empty(_cache.FileNames());
    }

    [Fact]
    public async Task A_truncated_gzip_file_is_rejected()
    {
        var (file, content) = SyntheticFiles.Make("t10k-images-idx3-ubyte", 100_000, 4);
        byte[] gzip = SyntheticFiles.Gzip(content);
        await using var server = new LoopbackHttpServer();
        server.Serve(file.GzipName, gzip[..(gzip.Length / 2)]);

        var error = await Assert.ThrowsAsync<SampleException>(() => Acquirer([file], server.BaseUrl).AcquireAsync(CancellationToken.None));

        Assert.StartsWith($"could not download t10k-images-idx3-ubyte.gz from any mirror: t10k-images-idx3-ubyte from {server.BaseUrl}t10k-images-idx3-ubyte.gz is truncated: ", error.Message);
        Assert.EndsWith(" of 100000 bytes; it was not used.", error.Message);
        Assert.Empty(_cache.FileNames());
    }

    [Fact]
    public async Task A_connection_that_drops_mid_download_is_rejected()
    {
        var (file, content) = SyntheticFiles.Make("t10k-images-idx3-ubyte", 100_000, 5);
        byte[] gzip = SyntheticFiles.Gzip(content);
        await using var server = new LoopbackHttpServer();
        // Announces the whole file but sends only half of it, then closes the connection.
        server.Serve(file.GzipName, gzip[..(gzip.Length / 2)], announcedLength: gzip.Length);

        var error = await Assert.ThrowsAsync<SampleException>(() => Acquirer([file], server.BaseUrl).AcquireAsync(CancellationToken.None));

        Assert.StartsWith($"could not download t10k-images-idx3-ubyte.gz from any mirror: {server.BaseUrl}t10k-images-idx3-ubyte.gz: ", error.Message);
        Assert.Empty(_cache.FileNames());
    }

    [Fact]
    public async Task A_page_that_is_not_gzip_is_rejected()
    {
        var (file, _) = SyntheticFiles.Make("t10k-labels-idx1-ubyte", 2_000, 10);
        await using var server = new LoopbackHttpServer();
        // What a captive portal or a mirror's error page serves with status 200.
        server.Serve(file.GzipName, "<html><body>Please log in</body></html>"u8.ToArray());

        var error = await Assert.ThrowsAsync<SampleException>(() => Acquirer([file], server.BaseUrl).AcquireAsync(CancellationToken.None));

        Assert.StartsWith($"could not download t10k-labels-idx1-ubyte.gz from any mirror: {server.BaseUrl}t10k-labels-idx1-ubyte.gz: not a valid gzip file (", error.Message);
        Assert.Empty(_cache.FileNames());
    }

    [Fact]
    public async Task A_mirror_that_answers_404_falls_back_to_the_next_one()
    {
        var files = SyntheticFiles.Pair();
        await using var broken = new LoopbackHttpServer();
        await using var working = new LoopbackHttpServer();
        foreach (var (file, content) in files) working.Serve(file.GzipName, SyntheticFiles.Gzip(content));

        await Acquirer(files.Select(f => f.File).ToArray(), broken.BaseUrl, working.BaseUrl).AcquireAsync(CancellationToken.None);

        foreach (var (file, content) in files) Assert.Equal(content, File.ReadAllBytes(_cache.File(file.Name)));
        Assert.Equal(files.Select(f => "/" + f.File.GzipName), broken.Requests);
        Assert.Equal(files.Select(f => "/" + f.File.GzipName), working.Requests);
        Assert.Contains($"warning: {broken.BaseUrl}t10k-images-idx3-ubyte.gz: HTTP 404 Not Found", _log.ToString());
    }

    [Fact]
    public async Task When_every_mirror_fails_the_error_gives_each_reason()
    {
        var (file, content) = SyntheticFiles.Make("t10k-labels-idx1-ubyte", 4_000, 6);
        await using var missing = new LoopbackHttpServer();
        await using var corrupt = new LoopbackHttpServer();
        corrupt.Serve(file.GzipName, SyntheticFiles.Gzip(content[..1000]));

        var error = await Assert.ThrowsAsync<SampleException>(() => Acquirer([file], missing.BaseUrl, corrupt.BaseUrl).AcquireAsync(CancellationToken.None));

        Assert.Equal(
            $"could not download t10k-labels-idx1-ubyte.gz from any mirror: {missing.BaseUrl}t10k-labels-idx1-ubyte.gz: HTTP 404 Not Found; " +
            $"t10k-labels-idx1-ubyte from {corrupt.BaseUrl}t10k-labels-idx1-ubyte.gz is truncated: 1000 of 4000 bytes; it was not used.",
            error.Message);
        Assert.Empty(_cache.FileNames());
    }
}
