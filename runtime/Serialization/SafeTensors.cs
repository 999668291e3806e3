using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace ModelGen.Serialization;

/// <summary>
/// Reads and writes model parameters in the safetensors format: an 8-byte little-endian header
/// length, a JSON header (each tensor's dtype F32, or I64 for counters, shape and byte offsets, and a
/// __metadata__ entry with the model's spec and "modelgen.layout": "pytorch"), then the raw little-endian
/// values of the tensors, contiguous and in layout order (int64 counters first). Tensors are saved in PyTorch's state_dict layout (see
/// <see cref="TensorLayout"/>), so a file loads into the equivalent torch.nn module with
/// load_state_dict(safetensors.torch.load_file(path)), and a state_dict PyTorch saved loads here.
/// </summary>
public static class SafeTensors
{
    /// <summary>
    /// Writes the tensors of <paramref name="parameters"/> to <paramref name="path"/>, atomically: if
    /// anything fails, an existing file is left as it was. Creates the folder if it is missing.
    /// </summary>
    /// <exception cref="ArgumentException">The layout does not fit the buffer, or a value is NaN or infinite
    /// (such a file could not be loaded again).</exception>
    public static void Save(string path, string spec, ReadOnlySpan<float> parameters, IReadOnlyList<TensorLayout> tensors) =>
        Save(path, spec, parameters, [], [], tensors);

    /// <summary>
    /// Writes the tensors of a model's three buffers to <paramref name="path"/>, atomically (if anything fails, an
    /// existing file is left as it was); creates the folder if it is missing. Each tensor comes from the buffer its
    /// <see cref="TensorLayout.Storage"/> names: float32 <paramref name="parameters"/> and <paramref name="state"/>
    /// (dtype F32) and int64 <paramref name="counters"/> (dtype I64, a scalar each, as PyTorch's num_batches_tracked).
    /// Tensors are written contiguously in layout order, except that the I64 ones come first, so that each is
    /// 8-byte aligned in the file (safetensors' own writer also puts the widest dtypes first).
    /// </summary>
    /// <exception cref="ArgumentException">The layout does not fit the buffers, or a float is NaN or infinite
    /// (such a file could not be loaded again).</exception>
    public static void Save(string path, string spec, ReadOnlySpan<float> parameters, ReadOnlySpan<float> state, ReadOnlySpan<long> counters,
        IReadOnlyList<TensorLayout> tensors)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(spec);
        CheckLayout(tensors, parameters.Length, state.Length, counters.Length);
        TensorLayout[] written = [.. tensors.Where(t => t.ElementSize == 8), .. tensors.Where(t => t.ElementSize != 8)];
        byte[] header = SafeTensorsHeader.Encode(spec, written);

        using AtomicFile file = AtomicFile.Create(path);
        file.Stream.Write(header);
        foreach (TensorLayout tensor in written)
        {
            if (tensor.Storage == TensorStorage.Counters)
            {
                WriteLittleEndian(file.Stream, counters.Slice(tensor.Offset, tensor.Length));
                continue;
            }
            ReadOnlySpan<float> values = (tensor.Storage == TensorStorage.State ? state : parameters).Slice(tensor.Offset, tensor.Length);
            if (!tensor.SavedAsStored)
            {
                var saved = new float[tensor.Length];
                tensor.ToSaved(values, saved);
                values = saved;
            }
            // Checked in saved order, so the index in the error is the one a reader of the file would see.
            long bad = IndexOfNonFinite(values);
            if (bad >= 0)
                throw new ArgumentException($"Cannot save '{path}': tensor '{tensor.Name}' has {Describe(values[(int)bad])} at index {SafeTensorsText.Index(bad, tensor.Shape)}.",
                    tensor.Storage == TensorStorage.State ? nameof(state) : nameof(parameters));
            WriteLittleEndian(file.Stream, values);
        }
        file.Commit();
    }

    /// <summary>
    /// Reads a file into <paramref name="parameters"/>: one saved for the same <paramref name="spec"/> (in
    /// PyTorch's layout, or as stored by ModelGen before it used that layout), or one without ModelGen metadata
    /// that has exactly the expected tensors in PyTorch's layout (a state_dict saved by PyTorch). The whole file
    /// is checked before <paramref name="parameters"/> is changed, so a refused file leaves the model as it was.
    /// </summary>
    /// <exception cref="ModelFileException">The file is missing, unreadable, corrupt or for another network.</exception>
    public static void Load(string path, string spec, Span<float> parameters, IReadOnlyList<TensorLayout> tensors) =>
        Load(path, spec, parameters, [], [], tensors);

    /// <summary>
    /// Reads a file into a model's three buffers, each tensor into the buffer its <see cref="TensorLayout.Storage"/>
    /// names: a file saved for the same <paramref name="spec"/> (in PyTorch's layout, or as stored by ModelGen before
    /// it used that layout), or one without ModelGen metadata that has exactly the expected tensors in PyTorch's
    /// layout and dtypes (a state_dict saved by PyTorch, running statistics and num_batches_tracked included). The
    /// whole file is checked before any buffer is changed, so a refused file leaves all three as they were.
    /// </summary>
    /// <exception cref="ModelFileException">The file is missing, unreadable, corrupt or for another network.</exception>
    public static void Load(string path, string spec, Span<float> parameters, Span<float> state, Span<long> counters, IReadOnlyList<TensorLayout> tensors)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(spec);
        CheckLayout(tensors, parameters.Length, state.Length, counters.Length);

        SavedLayout layout = SavedLayout.PyTorch;
        (float[][] floats, long[][] longs) = ReadFile(path, file =>
        {
            using SafeTensorsHeader header = SafeTensorsHeader.Read(file, path);
            layout = SavedLayouts.Decide(header.ReadMetadata(path), spec, path);
            long[] begins = SafeTensorsEntries.Locate(header, path, tensors, layout);
            // Sizes come from the model's own layout, and the header has been checked to hold them.
            var floatValues = new float[tensors.Count][];
            var longValues = new long[tensors.Count][];
            for (int i = 0; i < tensors.Count; i++)
            {
                TensorLayout tensor = tensors[i];
                file.Position = header.DataStart + begins[i];
                if (tensor.Storage == TensorStorage.Counters)
                {
                    longValues[i] = new long[tensor.Length];
                    file.ReadExactly(MemoryMarshal.AsBytes(longValues[i].AsSpan()));
                    if (!BitConverter.IsLittleEndian) BinaryPrimitives.ReverseEndianness(longValues[i], longValues[i]);
                    continue;
                }
                float[] values = floatValues[i] = new float[tensor.Length];
                file.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
                if (!BitConverter.IsLittleEndian) ReverseEndianness(values);
                long bad = IndexOfNonFinite(values);
                if (bad >= 0)
                    throw new ModelFileException(path, $"tensor '{tensor.Name}' has {Describe(values[bad])} at index {SafeTensorsText.Index(bad, layout.ShapeInFile(tensor))}");
            }
            return (floatValues, longValues);
        });

        for (int i = 0; i < tensors.Count; i++)
        {
            TensorLayout tensor = tensors[i];
            if (tensor.Storage == TensorStorage.Counters)
            {
                longs[i].CopyTo(counters.Slice(tensor.Offset, tensor.Length));
                continue;
            }
            Span<float> target = (tensor.Storage == TensorStorage.State ? state : parameters).Slice(tensor.Offset, tensor.Length);
            if (layout.Transposes(tensor)) tensor.FromSaved(floats[i], target);
            else floats[i].CopyTo(target);
        }
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
    private static void CheckLayout(IReadOnlyList<TensorLayout> tensors, int parameterCount, int stateCount, int counterCount)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (TensorLayout tensor in tensors)
        {
            ArgumentNullException.ThrowIfNull(tensor, nameof(tensors));
            if (string.IsNullOrEmpty(tensor.Name) || tensor.Name == SafeTensorsHeader.MetadataKey || !names.Add(tensor.Name))
                throw new ArgumentException($"Tensor name '{tensor.Name}' is empty, reserved or repeated.", nameof(tensors));
            if (tensor.StoredShape.Any(d => d < 0))
                throw new ArgumentException($"Tensor '{tensor.Name}' has a negative dimension.", nameof(tensors));
            (int bufferLength, string buffer) = tensor.Storage switch
            {
                TensorStorage.Parameters => (parameterCount, "parameter"),
                TensorStorage.State => (stateCount, "state"),
                TensorStorage.Counters => (counterCount, "counter"),
                _ => throw new ArgumentException($"Tensor '{tensor.Name}' has an unknown storage {tensor.Storage}.", nameof(tensors)),
            };
            if (tensor.Offset < 0 || (long)tensor.Offset + tensor.Length > bufferLength)
                throw new ArgumentException($"Tensor '{tensor.Name}' occupies elements {tensor.Offset} to {(long)tensor.Offset + tensor.Length} but the {buffer} buffer has {bufferLength}.", nameof(tensors));
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

    private static void WriteLittleEndian(Stream stream, ReadOnlySpan<long> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(values));
            return;
        }
        Span<byte> bytes = stackalloc byte[8];
        foreach (long value in values)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
            stream.Write(bytes);
        }
    }

    private static void ReverseEndianness(float[] values)
    {
        Span<int> words = MemoryMarshal.Cast<float, int>(values.AsSpan());
        BinaryPrimitives.ReverseEndianness(words, words);
    }
}
