using System.Buffers;
using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace ModelGen.Serialization;

/// <summary>
/// The start of a safetensors file: an 8-byte little-endian length N, then N bytes of UTF-8 JSON
/// (padded with spaces so the data that follows starts 8-byte aligned), then the data section.
/// Writes it, and reads it back trusting nothing until it has been checked against the file.
/// </summary>
internal sealed class SafeTensorsHeader : IDisposable
{
    public const string MetadataKey = "__metadata__";
    public const string SpecKey = "modelgen.spec";

    // Real headers are a few hundred bytes per tensor; this only stops a corrupt length field from
    // making us read (and allocate) a huge "header".
    public const long MaxHeaderBytes = 100L * 1024 * 1024;

    private readonly JsonDocument _document;

    private SafeTensorsHeader(JsonDocument document, long dataStart, long dataLength)
    {
        _document = document;
        DataStart = dataStart;
        DataLength = dataLength;
    }

    /// <summary>The header's JSON object.</summary>
    public JsonElement Root => _document.RootElement;

    /// <summary>The file offset of the data section.</summary>
    public long DataStart { get; }

    /// <summary>The bytes from the data section's start to the end of the file.</summary>
    public long DataLength { get; }

    public void Dispose() => _document.Dispose();

    /// <summary>The length field and JSON for these tensors in their saved shapes and dtypes, stored contiguously in the given order.</summary>
    public static byte[] Encode(string spec, IReadOnlyList<TensorLayout> tensors)
    {
        var json = new ArrayBufferWriter<byte>();
        // Relaxed escaping keeps the spec readable ("leaky_relu(0.01)", not "\u0028"); it is still valid JSON.
        using (var writer = new Utf8JsonWriter(json, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteStartObject(MetadataKey);
            writer.WriteString(SpecKey, spec);
            writer.WriteString(SavedLayouts.LayoutKey, SavedLayouts.PyTorchValue);
            writer.WriteEndObject();
            long begin = 0;
            foreach (TensorLayout tensor in tensors)
            {
                long end = begin + (long)tensor.ElementSize * tensor.Length;
                WriteEntry(writer, tensor.Name, tensor.DType, tensor.Shape, begin, end);
                begin = end;
            }
            writer.WriteEndObject();
        }
        return Frame(json.WrittenSpan);
    }

    /// <summary>One tensor's entry: its dtype, shape and the byte range of its data.</summary>
    public static void WriteEntry(Utf8JsonWriter writer, string name, string dtype, IEnumerable<int> shape, long begin, long end)
    {
        writer.WriteStartObject(name);
        writer.WriteString("dtype", dtype);
        writer.WriteStartArray("shape");
        foreach (int dimension in shape) writer.WriteNumberValue(dimension);
        writer.WriteEndArray();
        writer.WriteStartArray("data_offsets");
        writer.WriteNumberValue(begin);
        writer.WriteNumberValue(end);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>The length field and the header's JSON, padded with spaces (as safetensors does) so that the data starts 8-byte aligned.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> json)
    {
        int padded = (json.Length + 7) & ~7;
        byte[] header = new byte[8 + padded];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)padded);
        json.CopyTo(header.AsSpan(8));
        header.AsSpan(8 + json.Length).Fill((byte)' ');
        return header;
    }

    /// <summary>Reads and checks the header of <paramref name="file"/>, which is positioned at its start.</summary>
    public static SafeTensorsHeader Read(FileStream file, string path)
    {
        long fileLength = file.Length;
        if (fileLength == 0)
            throw new ModelFileException(path, "the file is empty; a safetensors file starts with an 8-byte header length");
        if (fileLength < 8)
            throw new ModelFileException(path, $"the file has only {fileLength} bytes; a safetensors file starts with an 8-byte header length");

        Span<byte> lengthField = stackalloc byte[8];
        file.ReadExactly(lengthField);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthField);
        if (headerLength == 0)
            throw new ModelFileException(path, "the header length is 0, so there is no header");
        if (headerLength > (ulong)(fileLength - 8))
            throw new ModelFileException(path, $"the header length is {headerLength} bytes, but only {fileLength - 8} bytes follow it");
        if (headerLength > MaxHeaderBytes)
            throw new ModelFileException(path, $"the header length is {headerLength} bytes, more than the limit of {MaxHeaderBytes}");

        // Both limits above hold, so this allocation is bounded by the file's real size.
        byte[] bytes = new byte[headerLength];
        file.ReadExactly(bytes);
        if (!Utf8.IsValid(bytes))
            throw new ModelFileException(path, "the header is not valid UTF-8");

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new ModelFileException(path, $"the header is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})", e);
        }

        try
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new ModelFileException(path, $"the header is {SafeTensorsText.Kind(root)}, not a JSON object");
            // JSON allows repeated keys and a reader would silently take one of them: refuse instead.
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in root.EnumerateObject())
                if (!seen.Add(property.Name))
                    throw new ModelFileException(path, $"the header has the key '{SafeTensorsText.Show(property.Name)}' twice");
            return new SafeTensorsHeader(document, 8 + (long)headerLength, fileLength - 8 - (long)headerLength);
        }
        catch
        {
            document.Dispose();
            throw;
        }
    }

    /// <summary>The __metadata__ entries, or null when the header has none.</summary>
    public Dictionary<string, string>? ReadMetadata(string path)
    {
        if (!Root.TryGetProperty(MetadataKey, out JsonElement metadata)) return null;
        if (metadata.ValueKind != JsonValueKind.Object)
            throw new ModelFileException(path, $"{MetadataKey} is {SafeTensorsText.Kind(metadata)}, not a JSON object");
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (JsonProperty entry in metadata.EnumerateObject())
        {
            // The safetensors format defines metadata as string to string.
            if (entry.Value.ValueKind != JsonValueKind.String)
                throw new ModelFileException(path, $"{MetadataKey} entry '{SafeTensorsText.Show(entry.Name)}' is {SafeTensorsText.Kind(entry.Value)}, not a string");
            if (!entries.TryAdd(entry.Name, entry.Value.GetString()!))
                throw new ModelFileException(path, $"{MetadataKey} has the entry '{SafeTensorsText.Show(entry.Name)}' twice");
        }
        return entries;
    }
}
