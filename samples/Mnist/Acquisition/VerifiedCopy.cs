using System.Security.Cryptography;

namespace ModelGen.Samples.Mnist.Acquisition;

/// <summary>
/// Copies a stream that should hold an MNIST file into the cache: into a temporary file first,
/// hashing as it goes, and renamed into place only when its length and SHA-256 are right.
/// Whatever goes wrong, no partial or unverified file is left behind.
/// </summary>
public static class VerifiedCopy
{
    private const int BufferSize = 1 << 16;

    /// <summary>
    /// Copies <paramref name="source"/> to <paramref name="destination"/> if it is exactly
    /// <paramref name="file"/>; otherwise throws a <see cref="SampleException"/> naming
    /// <paramref name="origin"/>. <paramref name="progress"/> is told how many bytes were written so far.
    /// </summary>
    public static async Task CopyAsync(Stream source, MnistFile file, string destination, string origin,
        Action<long>? progress, CancellationToken cancellationToken)
    {
        string temporary = TemporaryPathFor(destination);
        try
        {
            byte[] hash;
            await using (var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, useAsync: true))
            {
                using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                byte[] buffer = new byte[BufferSize];
                long written = 0;
                int read;
                while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    written += read;
                    // Stop at once on a file larger than MNIST's (a wrong file or a decompression bomb).
                    if (written > file.Length)
                        throw new SampleException($"{file.Name} from {origin} is larger than the {file.Length} bytes of MNIST's; it was not used.");
                    sha.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    progress?.Invoke(written);
                }
                if (written != file.Length)
                    throw new SampleException($"{file.Name} from {origin} is truncated: {written} of {file.Length} bytes; it was not used.");
                hash = sha.GetHashAndReset();
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                output.Flush(flushToDisk: true); // on disk before the rename, so a crash never leaves a partial file under the final name
            }
            CheckHash(hash, file, origin);
            File.Move(temporary, destination, overwrite: true);
        }
        finally
        {
            // After a successful move this is a no-op; after any failure it removes the partial file.
            File.Delete(temporary);
        }
    }

    /// <summary>Whether <paramref name="path"/> exists and is exactly <paramref name="file"/>; describes the problem if not.</summary>
    public static bool IsIntact(string path, MnistFile file, out string? problem)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            problem = "missing";
            return false;
        }
        if (info.Length != file.Length)
        {
            problem = $"{info.Length} bytes instead of {file.Length}";
            return false;
        }
        string actual;
        using (FileStream stream = File.OpenRead(path)) actual = Convert.ToHexStringLower(SHA256.HashData(stream));
        problem = actual == file.Sha256 ? null : $"SHA-256 {actual} instead of {file.Sha256}";
        return problem is null;
    }

    private static void CheckHash(byte[] hash, MnistFile file, string origin)
    {
        string actual = Convert.ToHexStringLower(hash);
        if (actual != file.Sha256)
            throw new SampleException($"{file.Name} from {origin} fails its SHA-256 check (got {actual}, expected {file.Sha256}); it was not used.");
    }

    // Next to the destination, so that the final rename stays on one file system and is atomic;
    // a unique name, so that two runs filling the same cache never write into each other's file.
    private static string TemporaryPathFor(string destination) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(destination))!,
            $".{Path.GetFileName(destination)}.{Guid.NewGuid():N}.partial");
}
