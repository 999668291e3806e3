using System.Security.Cryptography;
using ModelGen.Serialization;

namespace ModelGen.Samples.Mnist.Acquisition;

/// <summary>
/// Copies a stream that should hold an MNIST file into the cache: through an <see cref="AtomicFile"/>,
/// hashing as it goes, committed only when its length and SHA-256 are right.
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
        // AtomicFile writes to a temporary file beside the destination and renames it into place only
        // on Commit, after the flush to disk; without Commit it deletes the temporary file.
        using AtomicFile output = AtomicFile.Create(destination);
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
            await output.Stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            progress?.Invoke(written);
        }
        if (written != file.Length)
            throw new SampleException($"{file.Name} from {origin} is truncated: {written} of {file.Length} bytes; it was not used.");
        CheckHash(sha.GetHashAndReset(), file, origin);
        output.Commit();
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
}
