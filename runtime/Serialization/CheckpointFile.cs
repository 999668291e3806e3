using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ModelGen.Serialization;

/// <summary>
/// A training checkpoint on disk: a safetensors file (any safetensors reader opens it) whose tensors are flat
/// float32, int32 or int64 buffers, contiguous in the order they were added, and whose <c>__metadata__</c> holds
/// everything else as strings, among them <c>modelgen.checkpoint</c> (the format's version) and <c>modelgen.sha256</c>
/// (the SHA-256 of the data section, so that a damaged file is refused before anything is restored). What the
/// tensors and entries are is the trainer's business (see <see cref="Training.TrainerCheckpoint"/>); this class
/// only writes them and reads them back, checked.
/// </summary>
internal sealed class CheckpointFile
{
    /// <summary>The metadata key whose value is the format's version.</summary>
    public const string FormatKey = "modelgen.checkpoint";

    /// <summary>The version this code writes and reads.</summary>
    public const string FormatVersion = "1";

    /// <summary>The metadata key of the data section's SHA-256, lowercase hex.</summary>
    public const string ChecksumKey = "modelgen.sha256";

    private readonly List<(string Name, Array Values)> _tensors = [];
    private readonly string _path;

    /// <summary>An empty checkpoint to fill and write.</summary>
    public CheckpointFile() : this("checkpoint") { }

    private CheckpointFile(string path) => _path = path;

    /// <summary>The entries of <c>__metadata__</c> (besides the format and checksum, which writing adds).</summary>
    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    /// <summary>Adds a float32 tensor (written as F32, one dimension).</summary>
    public void Add(string name, float[] values) => AddTensor(name, values);

    /// <summary>Adds an int32 tensor (I32).</summary>
    public void Add(string name, int[] values) => AddTensor(name, values);

    /// <summary>Adds an int64 tensor (I64).</summary>
    public void Add(string name, long[] values) => AddTensor(name, values);

    private void AddTensor(string name, Array values)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(values);
        if (name == SafeTensorsHeader.MetadataKey || _tensors.Exists(t => t.Name == name))
            throw new ArgumentException($"The checkpoint already has a tensor called '{name}'.", nameof(name));
        _tensors.Add((name, values));
    }

    /// <summary>Whether the file holds a tensor called <paramref name="name"/>.</summary>
    public bool Has(string name) => _tensors.Exists(t => t.Name == name);

    /// <summary>Writes the file to <paramref name="stream"/>: the header (with the data's checksum), then the data.</summary>
    public void Write(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        // Each tensor's bytes are made once: hashed for the header, then written after it.
        byte[][] data = _tensors.Select(t => LittleEndianBytes(t.Values)).ToArray();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (byte[] bytes in data) hash.AppendData(bytes);
        var metadata = new SortedDictionary<string, string>(Metadata, StringComparer.Ordinal)
        {
            [FormatKey] = FormatVersion,
            [ChecksumKey] = Convert.ToHexStringLower(hash.GetHashAndReset()),
        };
        stream.Write(EncodeHeader(metadata));
        foreach (byte[] bytes in data) stream.Write(bytes);
    }

    /// <summary>
    /// Reads and checks a checkpoint: its framing, its format version, every tensor's entry, and the checksum of its
    /// data. Any problem is a <see cref="ModelFileException"/> whose one-line message names the file.
    /// </summary>
    public static CheckpointFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            using FileStream file = new(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            return Read(file, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string reason = e is FileNotFoundException or DirectoryNotFoundException ? "there is no such file" : e.Message;
            throw new ModelFileException(path, reason, e);
        }
    }

    private static CheckpointFile Read(FileStream file, string path)
    {
        using SafeTensorsHeader header = SafeTensorsHeader.Read(file, path);
        Dictionary<string, string> metadata = header.ReadMetadata(path)
            ?? throw new ModelFileException(path, "the file has no ModelGen metadata: it is not a checkpoint (a model file? load it with the model's Load)");
        if (!metadata.TryGetValue(FormatKey, out string? version))
            throw new ModelFileException(path, "the file is not a checkpoint (no modelgen.checkpoint entry): a model file loads with the model's Load, not as a checkpoint");
        if (version != FormatVersion)
            throw new ModelFileException(path, $"the checkpoint's format is version {SafeTensorsText.Show(version)}; this ModelGen reads version {FormatVersion}: resume it with the version that wrote it");
        if (!metadata.TryGetValue(ChecksumKey, out string? checksum))
            throw new ModelFileException(path, "the checkpoint has no modelgen.sha256 entry, so its data cannot be checked");

        var entries = new List<(string Name, string DType, long Begin, long End)>();
        foreach (JsonProperty property in header.Root.EnumerateObject())
        {
            if (property.Name == SafeTensorsHeader.MetadataKey) continue;
            entries.Add(Entry(property, path));
        }
        entries.Sort((a, b) => a.Begin.CompareTo(b.Begin));
        long expected = 0;
        foreach (var entry in entries)
        {
            if (entry.Begin != expected)
                throw new ModelFileException(path, $"tensor '{SafeTensorsText.Show(entry.Name)}' starts at byte {entry.Begin} of the data, not {expected}: the tensors must be contiguous");
            expected = entry.End;
        }
        if (expected != header.DataLength)
            throw new ModelFileException(path, $"the tensors take {expected} bytes but the data section has {header.DataLength}: the file is truncated or has extra bytes");

        // Bounded by the file's real length, checked above.
        byte[] data = new byte[header.DataLength];
        file.Position = header.DataStart;
        file.ReadExactly(data);
        string actual = Convert.ToHexStringLower(SHA256.HashData(data));
        if (!string.Equals(actual, checksum, StringComparison.Ordinal))
            throw new ModelFileException(path, "the checkpoint's data does not match its checksum: the file is damaged");

        var checkpoint = new CheckpointFile(path);
        foreach (var (key, value) in metadata)
            if (key != FormatKey && key != ChecksumKey) checkpoint.Metadata[key] = value;
        foreach (var (name, dtype, begin, end) in entries)
        {
            ReadOnlySpan<byte> bytes = data.AsSpan((int)begin, (int)(end - begin));
            checkpoint._tensors.Add((name, dtype switch
            {
                "F32" => FromLittleEndian<float>(bytes),
                "I32" => FromLittleEndian<int>(bytes),
                _ => FromLittleEndian<long>(bytes),
            }));
        }
        return checkpoint;
    }

    /// <summary>The float32 tensor <paramref name="name"/>, which must have <paramref name="length"/> values.</summary>
    public float[] Floats(string name, int length, string what) => Tensor<float>(name, length, what, "F32");

    /// <summary>The int32 tensor <paramref name="name"/>, which must have <paramref name="length"/> values.</summary>
    public int[] Ints(string name, int length, string what) => Tensor<int>(name, length, what, "I32");

    /// <summary>The int64 tensor <paramref name="name"/>, which must have <paramref name="length"/> values.</summary>
    public long[] Longs(string name, int length, string what) => Tensor<long>(name, length, what, "I64");

    private T[] Tensor<T>(string name, int length, string what, string dtype)
    {
        foreach ((string n, Array values) in _tensors)
        {
            if (n != name) continue;
            if (values is not T[] typed)
                throw Refuse($"tensor '{name}' is not {dtype}");
            if (typed.Length != length)
                throw Refuse($"tensor '{name}' has {typed.Length:N0} values, but {what} has {length:N0}");
            return typed;
        }
        throw Refuse($"it has no tensor '{name}' ({what})");
    }

    /// <summary>The metadata entry <paramref name="key"/>; a checkpoint without it is refused.</summary>
    public string Text(string key) =>
        Metadata.TryGetValue(key, out string? value) ? value : throw Refuse($"it has no '{key}' entry");

    /// <summary>The metadata entry <paramref name="key"/> as an integer.</summary>
    public long Integer(string key) =>
        long.TryParse(Text(key), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out long value)
            ? value : throw Refuse($"its '{key}' entry, '{SafeTensorsText.Show(Text(key))}', is not a whole number");

    /// <summary>The metadata entry <paramref name="key"/> as a double, written with "R" (so it round-trips exactly).</summary>
    public double Number(string key) =>
        double.TryParse(Text(key), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double value)
            ? value : throw Refuse($"its '{key}' entry, '{SafeTensorsText.Show(Text(key))}', is not a number");

    /// <summary>A one-line refusal naming the file.</summary>
    public ModelFileException Refuse(string problem) => new(_path, problem);

    private static (string Name, string DType, long Begin, long End) Entry(JsonProperty property, string path)
    {
        string name = property.Name;
        JsonElement value = property.Value;
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("dtype", out JsonElement dtype) || dtype.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("shape", out JsonElement shape) || shape.ValueKind != JsonValueKind.Array
            || !value.TryGetProperty("data_offsets", out JsonElement offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2
            || !offsets[0].TryGetInt64(out long begin) || !offsets[1].TryGetInt64(out long end))
            throw new ModelFileException(path, $"tensor '{SafeTensorsText.Show(name)}' has no valid dtype, shape and data_offsets");
        int size = dtype.GetString() switch { "F32" or "I32" => 4, "I64" => 8, _ => 0 };
        if (size == 0)
            throw new ModelFileException(path, $"tensor '{SafeTensorsText.Show(name)}' is {SafeTensorsText.Show(dtype.GetString()!)}; a checkpoint holds F32, I32 and I64 tensors");
        if (shape.GetArrayLength() != 1 || !shape[0].TryGetInt64(out long count) || count < 0)
            throw new ModelFileException(path, $"tensor '{SafeTensorsText.Show(name)}' is not a flat buffer (one dimension)");
        if (begin < 0 || end != begin + count * size || count > Array.MaxLength)
            throw new ModelFileException(path, $"tensor '{SafeTensorsText.Show(name)}' spans bytes {begin}–{end}, which does not fit its {count} values");
        return (name, dtype.GetString()!, begin, end);
    }

    private byte[] EncodeHeader(SortedDictionary<string, string> metadata)
    {
        var json = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(json, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteStartObject(SafeTensorsHeader.MetadataKey);
            foreach (var (key, value) in metadata) writer.WriteString(key, value);
            writer.WriteEndObject();
            long begin = 0;
            foreach ((string name, Array values) in _tensors)
            {
                (string dtype, int size) = values switch { float[] => ("F32", 4), int[] => ("I32", 4), _ => ("I64", 8) };
                long end = begin + (long)size * values.Length;
                SafeTensorsHeader.WriteEntry(writer, name, dtype, [values.Length], begin, end);
                begin = end;
            }
            writer.WriteEndObject();
        }
        return SafeTensorsHeader.Frame(json.WrittenSpan);
    }

    private static byte[] LittleEndianBytes(Array values)
    {
        byte[] bytes = values switch
        {
            float[] f => MemoryMarshal.AsBytes(f.AsSpan()).ToArray(),
            int[] i => MemoryMarshal.AsBytes(i.AsSpan()).ToArray(),
            long[] l => MemoryMarshal.AsBytes(l.AsSpan()).ToArray(),
            _ => throw new ArgumentException($"A checkpoint holds float, int and long tensors, not {values.GetType().Name}.", nameof(values)),
        };
        if (!BitConverter.IsLittleEndian) Reverse(bytes, values is long[] ? 8 : 4);
        return bytes;
    }

    private static T[] FromLittleEndian<T>(ReadOnlySpan<byte> bytes) where T : unmanaged
    {
        byte[] copy = bytes.ToArray();
        if (!BitConverter.IsLittleEndian) Reverse(copy, System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
        return MemoryMarshal.Cast<byte, T>(copy).ToArray();
    }

    private static void Reverse(byte[] bytes, int size)
    {
        for (int i = 0; i < bytes.Length; i += size) bytes.AsSpan(i, size).Reverse();
    }
}
