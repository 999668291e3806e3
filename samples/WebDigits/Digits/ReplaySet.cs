namespace ModelGen.Samples.WebDigits.Digits;

/// <summary>
/// MNIST training digits that "teach it" mixes into every step so that the network, learning the visitor's
/// drawing, keeps what it knew (rehearsal). The file (wwwroot/data/replay.bin, written by tools/make-page-data.sh)
/// is records of one label byte followed by 784 pixel bytes (row-major 28×28, 0 = background, 255 = ink).
/// </summary>
internal sealed class ReplaySet
{
    /// <summary>The bytes of one record: the label, then the pixels.</summary>
    public const int RecordSize = 1 + Pixels;

    private const int Pixels = 28 * 28;

    private readonly float[] _images;
    private readonly int[] _labels;

    private ReplaySet(float[] images, int[] labels) => (_images, _labels) = (images, labels);

    /// <summary>The digits.</summary>
    public int Count => _labels.Length;

    /// <summary>Reads <paramref name="file"/>.</summary>
    /// <exception cref="FormatException">Not a whole number of records, no record, or a label above 9.</exception>
    public static ReplaySet Read(ReadOnlySpan<byte> file)
    {
        if (file.Length == 0 || file.Length % RecordSize != 0)
            throw new FormatException($"replay.bin: {file.Length} bytes is not a whole number of {RecordSize}-byte records (a label and 784 pixels).");
        int count = file.Length / RecordSize;
        var images = new float[count * Pixels];
        var labels = new int[count];
        for (int r = 0; r < count; r++)
        {
            ReadOnlySpan<byte> record = file.Slice(r * RecordSize, RecordSize);
            labels[r] = record[0] <= 9 ? record[0] : throw new FormatException($"replay.bin: record {r} has label {record[0]}; labels are 0 to 9.");
            for (int p = 0; p < Pixels; p++) images[r * Pixels + p] = record[1 + p] * (1f / 255f);
        }
        return new ReplaySet(images, labels);
    }

    /// <summary>Digit <paramref name="index"/>'s 784 inputs (0..1).</summary>
    public ReadOnlySpan<float> Image(int index) => _images.AsSpan(index * Pixels, Pixels);

    /// <summary>Digit <paramref name="index"/>'s label.</summary>
    public int Label(int index) => _labels[index];
}
