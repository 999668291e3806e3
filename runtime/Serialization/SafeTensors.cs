using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace ModelGen.Serialization;

/// <summary>
/// Reads and writes model parameters in the safetensors format: an 8-byte little-endian header
/// length, a JSON header (each tensor's dtype F32, shape and byte offsets, and a __metadata__ entry
/// with the model's spec), then the raw little-endian float32 values of the tensors, contiguous and in
/// layout order. Files load in PyTorch (safetensors.torch.load_file) as well as here.
/// </summary>
public static class SafeTensors
{
    /// <summary>
    /// Writes the tensors of <paramref name="parameters"/> to <paramref name="path"/>, atomically: if
    /// anything fails, an existing file is left as it was. Creates the folder if it is missing.
    /// </summary>
    /// <exception cref="ArgumentException">The layout does not fit the buffer, or a value is NaN or infinite
    /// (such a file could not be loaded again).</exception>
    public static void Save(string path, string spec, ReadOnlySpan<float> parameters, IReadOnlyList<TensorLayout> tensors)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(spec);
        CheckLayout(tensors, parameters.Length);
        byte[] header = SafeTensorsHeader.Encode(spec, tensors);

        using AtomicFile file = AtomicFile.Create(path);
        file.Stream.Write(header);
        foreach (TensorLayout tensor in tensors)
        {
            ReadOnlySpan<float> values = parameters.Slice(tensor.Offset, tensor.Length);
            long bad = IndexOfNonFinite(values);
            if (bad >= 0)
                throw new ArgumentException($"Cannot save '{path}': tensor '{tensor.Name}' has {Describe(values[(int)bad])} at index {SafeTensorsText.Index(bad, tensor.Shape)}.", nameof(parameters));
            WriteLittleEndian(file.Stream, values);
        }
        file.Commit();
    }

    /// <summary>
    /// Reads a file written for the same <paramref name="spec"/> into <paramref name="parameters"/>. The
    /// whole file is checked before <paramref name="parameters"/> is changed, so a refused file leaves the
    /// model as it was.
    /// </summary>
    /// <exception cref="ModelFileException">The file is missing, unreadable, corrupt or for another network.</exception>
    public static void Load(string path, string spec, Span<float> parameters, IReadOnlyList<TensorLayout> tensors)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(spec);
        CheckLayout(tensors, parameters.Length);

        float[][] loaded = ReadFile(path, file =>
        {
            using SafeTensorsHeader header = SafeTensorsHeader.Read(file, path);
            Dictionary<string, string> metadata = header.ReadMetadata(path)
                ?? throw new ModelFileException(path, $"the header has no {SafeTensorsHeader.MetadataKey}, so it does not say which network it holds");
            if (!metadata.TryGetValue(SafeTensorsHeader.SpecKey, out string? fileSpec))
                throw new ModelFileException(path, $"{SafeTensorsHeader.MetadataKey} has no {SafeTensorsHeader.SpecKey}, so it does not say which network it holds");
            if (fileSpec != spec)
                throw new ModelFileException(path, $"the file holds the network \"{SafeTensorsText.Show(fileSpec)}\"; this model is \"{spec}\"");

            long[] begins = SafeTensorsEntries.Locate(header, path, tensors);
            // Sizes come from the model's own layout, and the header has been checked to hold them.
            var values = new float[tensors.Count][];
            for (int i = 0; i < tensors.Count; i++)
            {
                TensorLayout tensor = tensors[i];
                values[i] = new float[tensor.Length];
                file.Position = header.DataStart + begins[i];
                file.ReadExactly(MemoryMarshal.AsBytes(values[i].AsSpan()));
                if (!BitConverter.IsLittleEndian) ReverseEndianness(values[i]);
                long bad = IndexOfNonFinite(values[i]);
                if (bad >= 0)
                    throw new ModelFileException(path, $"tensor '{tensor.Name}' has {Describe(values[i][bad])} at index {SafeTensorsText.Index(bad, tensor.Shape)}");
            }
            return values;
        });

        for (int i = 0; i < tensors.Count; i++)
            loaded[i].CopyTo(parameters.Slice(tensors[i].Offset, tensors[i].Length));
    }

    /// <summary>
    /// The __metadata__ of a safetensors file (empty if it has none), e.g. "modelgen.spec", the network
    /// the file was saved for. Checks the header's framing and JSON, not the tensors.
    /// </summary>
    /// <exception cref="ModelFileException">The file is missing, unreadable or has no valid header.</exception>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return ReadFile(path, file =>
        {
            using SafeTensorsHeader header = SafeTensorsHeader.Read(file, path);
            return header.ReadMetadata(path) ?? new Dictionary<string, string>();
        });
    }

    /// <summary>The spec stored in a file's metadata, or null if it has none.</summary>
    public static string? ReadSpec(string path) =>
        ReadMetadata(path).TryGetValue(SafeTensorsHeader.SpecKey, out string? spec) ? spec : null;

    // Opens the file and turns every I/O failure into a one-line ModelFileException.
    private static T ReadFile<T>(string path, Func<FileStream, T> read)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            return read(file);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ModelFileException(path, "the file does not exist", e);
        }
        catch (EndOfStreamException e)
        {
            // Only possible if the file shrank while being read: its length was checked first.
            throw new ModelFileException(path, "the file ended early; was it being written?", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFileException(path, "cannot read the file: " + e.Message.ReplaceLineEndings(" "), e);
        }
    }

    // The layout comes from generated code, so a mismatch is a programming error, not a file problem.
    private static void CheckLayout(IReadOnlyList<TensorLayout> tensors, int bufferLength)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (TensorLayout tensor in tensors)
        {
            ArgumentNullException.ThrowIfNull(tensor, nameof(tensors));
            if (string.IsNullOrEmpty(tensor.Name) || tensor.Name == SafeTensorsHeader.MetadataKey || !names.Add(tensor.Name))
                throw new ArgumentException($"Tensor name '{tensor.Name}' is empty, reserved or repeated.", nameof(tensors));
            if (tensor.Shape.Any(d => d < 0))
                throw new ArgumentException($"Tensor '{tensor.Name}' has a negative dimension.", nameof(tensors));
            if (tensor.Offset < 0 || (long)tensor.Offset + tensor.Length > bufferLength)
                throw new ArgumentException($"Tensor '{tensor.Name}' occupies elements {tensor.Offset} to {(long)tensor.Offset + tensor.Length} but the parameter buffer has {bufferLength}.", nameof(tensors));
        }
    }

    private static long IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i])) return i;
        return -1;
    }

    private static string Describe(float value) =>
        float.IsNaN(value) ? "a NaN" : value > 0 ? "an infinite value (+inf)" : "an infinite value (-inf)";

    private static void WriteLittleEndian(Stream stream, ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(values));
            return;
        }
        Span<byte> bytes = stackalloc byte[4];
        foreach (float value in values)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
            stream.Write(bytes);
        }
    }

    private static void ReverseEndianness(float[] values)
    {
        Span<int> words = MemoryMarshal.Cast<float, int>(values.AsSpan());
        BinaryPrimitives.ReverseEndianness(words, words);
    }
}
