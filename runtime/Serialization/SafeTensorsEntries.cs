using System.Text.Json;

namespace ModelGen.Serialization;

/// <summary>
/// Matches the tensor entries of a file's header against the tensors a model expects: the same
/// names, dtype F32 (I64 for counters), the same shapes, and data_offsets that lie inside the data section, do not
/// overlap, and together cover it exactly (as the safetensors format requires).
/// </summary>
internal static class SafeTensorsEntries
{
    // More dimensions than any real tensor has; longer shapes are shown as raw JSON.
    private const int MaxDimensions = 64;

    // Extra tensors named in one error before it says "and N more".
    private const int MaxNamesShown = 5;

    /// <summary>
    /// Checks every entry against the shapes a file of <paramref name="layout"/> has; returns, for each expected
    /// tensor, where its bytes begin in the data section.
    /// </summary>
    public static long[] Locate(SafeTensorsHeader header, string path, IReadOnlyList<TensorLayout> tensors, SavedLayout layout)
    {
        var entries = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (JsonProperty property in header.Root.EnumerateObject())
            if (property.Name != SafeTensorsHeader.MetadataKey) entries.Add(property.Name, property.Value);

        var begins = new long[tensors.Count];
        var ranges = new (long Begin, long End, string Name)[tensors.Count];
        for (int i = 0; i < tensors.Count; i++)
        {
            TensorLayout tensor = tensors[i];
            if (!entries.TryGetValue(tensor.Name, out JsonElement entry))
                throw new ModelFileException(path, Missing(tensor, entries.Keys, layout));
            (long begin, long end) = CheckEntry(entry, tensor, layout, path, header.DataLength);
            begins[i] = begin;
            ranges[i] = (begin, end, tensor.Name);
        }

        var expected = new HashSet<string>(tensors.Select(t => t.Name), StringComparer.Ordinal);
        string[] extra = entries.Keys.Where(name => !expected.Contains(name)).ToArray();
        if (extra.Length == 1)
            throw new ModelFileException(path, $"the file has a tensor '{SafeTensorsText.Show(extra[0])}' that this model does not have");
        if (extra.Length > 1)
            throw new ModelFileException(path, $"the file has {extra.Length} tensors that this model does not have: {Names(extra)}");

        CheckCoverage(ranges, path, header.DataLength);
        return begins;
    }

    // A state_dict from PyTorch usually misses a name because its modules are named otherwise ("0.weight"):
    // show what the file has, so the fix (renaming) is clear.
    private static string Missing(TensorLayout tensor, IEnumerable<string> present, SavedLayout layout)
    {
        string problem = $"tensor '{tensor.Name}' is missing";
        string[] names = present.ToArray();
        if (layout != SavedLayout.StateDict || names.Length == 0) return problem;
        return $"{problem}; the file holds {Names(names)} (a state_dict must name its tensors after this model's layers)";
    }

    // 'a', 'b', 'c' and 4 more
    private static string Names(string[] names)
    {
        string shown = string.Join(", ", names.Take(MaxNamesShown).Select(n => "'" + SafeTensorsText.Show(n) + "'"));
        return names.Length > MaxNamesShown ? $"{shown} and {names.Length - MaxNamesShown} more" : shown;
    }

    private static (long Begin, long End) CheckEntry(JsonElement entry, TensorLayout tensor, SavedLayout layout, string path, long dataLength)
    {
        string name = tensor.Name;
        if (entry.ValueKind != JsonValueKind.Object)
            throw new ModelFileException(path, $"tensor '{name}' is {SafeTensorsText.Kind(entry)}, not a JSON object");

        if (!entry.TryGetProperty("dtype", out JsonElement dtype))
            throw new ModelFileException(path, $"tensor '{name}' has no dtype");
        if (dtype.ValueKind != JsonValueKind.String || dtype.GetString() != tensor.DType)
        {
            string shown = dtype.ValueKind == JsonValueKind.String ? SafeTensorsText.Show(dtype.GetString()!) : SafeTensorsText.ShowJson(dtype);
            // I64 where F32 is needed (or the reverse) is a mix-up of a parameter and a counter: say what fits.
            // Other dtypes for parameters keep the message they always had.
            bool mixUp = tensor.Storage == TensorStorage.Counters || (dtype.ValueKind == JsonValueKind.String && dtype.GetString() == "I64");
            throw new ModelFileException(path, mixUp
                ? $"tensor '{name}' has dtype {shown}; this model needs {tensor.DType}"
                : $"tensor '{name}' has dtype {shown}; only F32 is supported");
        }

        IReadOnlyList<int> inFile = layout.ShapeInFile(tensor);
        string needed = SafeTensorsText.List(inFile.Select(d => (long)d));
        if (!entry.TryGetProperty("shape", out JsonElement shape))
            throw new ModelFileException(path, $"tensor '{name}' has no shape; this model needs {needed}");
        long[]? dimensions = ReadNonNegativeIntegers(shape, MaxDimensions);
        if (dimensions is null)
            throw new ModelFileException(path, $"tensor '{name}' has shape {SafeTensorsText.ShowJson(shape)}; this model needs {needed}");
        if (!dimensions.SequenceEqual(inFile.Select(d => (long)d)))
            throw new ModelFileException(path, layout.WrongShape(tensor, SafeTensorsText.List(dimensions)));

        if (!entry.TryGetProperty("data_offsets", out JsonElement offsets))
            throw new ModelFileException(path, $"tensor '{name}' has no data_offsets");
        long[]? pair = ReadNonNegativeIntegers(offsets, 2);
        if (pair is null || pair.Length != 2)
            throw new ModelFileException(path, $"tensor '{name}' has data_offsets {SafeTensorsText.ShowJson(offsets)}; they must be two non-negative integers [begin, end]");
        (long begin, long end) = (pair[0], pair[1]);
        string shownOffsets = SafeTensorsText.List(pair);
        if (end < begin)
            throw new ModelFileException(path, $"tensor '{name}' has data_offsets {shownOffsets}, which end before they begin");
        long bytes = (long)tensor.ElementSize * tensor.Length;
        if (end - begin != bytes)
            throw new ModelFileException(path, $"tensor '{name}' has data_offsets {shownOffsets} ({end - begin} bytes); {tensor.DType} of shape {needed} needs {bytes} bytes");
        if (end > dataLength)
            throw new ModelFileException(path, $"tensor '{name}' has data_offsets {shownOffsets}, beyond the end of the {dataLength}-byte data section");
        return (begin, end);
    }

    // The ranges sorted by start must follow each other with no overlap and no gap, from 0 to the end.
    private static void CheckCoverage((long Begin, long End, string Name)[] ranges, string path, long dataLength)
    {
        var sorted = ranges.OrderBy(r => r.Begin).ThenBy(r => r.End).ToArray();
        long covered = 0;
        for (int i = 0; i < sorted.Length; i++)
        {
            var range = sorted[i];
            if (range.Begin < covered)
            {
                var previous = sorted[i - 1];
                throw new ModelFileException(path,
                    $"tensors '{previous.Name}' (data_offsets [{previous.Begin}, {previous.End}]) and '{range.Name}' (data_offsets [{range.Begin}, {range.End}]) overlap");
            }
            if (range.Begin > covered)
                throw new ModelFileException(path, $"bytes {covered} to {range.Begin} of the data section belong to no tensor");
            covered = range.End;
        }
        if (covered != dataLength)
            throw new ModelFileException(path, $"the data section has {dataLength} bytes, but the tensors end at byte {covered}");
    }

    // A JSON array of at most maxCount non-negative integers, or null if it is anything else.
    private static long[]? ReadNonNegativeIntegers(JsonElement value, int maxCount)
    {
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > maxCount) return null;
        var result = new long[value.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long number) || number < 0) return null;
            result[i++] = number;
        }
        return result;
    }
}
