using ModelGen.Data;

namespace ModelGen.Samples.Mnist.Data;

/// <summary>
/// An MNIST-format dataset read from a folder with the four standard IDX file names, each raw or with
/// ".gz" appended: 28×28 images of 10 classes. Any dataset in that shape works (MNIST, Fashion-MNIST,
/// KMNIST); checking that the files are the real MNIST (by hash) is the caller's business.
/// </summary>
public sealed class MnistData
{
    /// <summary>Image height.</summary>
    public const int Rows = 28;

    /// <summary>Image width.</summary>
    public const int Columns = 28;

    /// <summary>Pixels per image, the model's input size.</summary>
    public const int PixelsPerImage = Rows * Columns;

    /// <summary>The number of classes; labels are 0..Classes-1.</summary>
    public const int Classes = 10;

    /// <summary>The training images' file name, without ".gz".</summary>
    public const string TrainImagesName = "train-images-idx3-ubyte";

    /// <summary>The training labels' file name, without ".gz".</summary>
    public const string TrainLabelsName = "train-labels-idx1-ubyte";

    /// <summary>The test images' file name, without ".gz".</summary>
    public const string TestImagesName = "t10k-images-idx3-ubyte";

    /// <summary>The test labels' file name, without ".gz".</summary>
    public const string TestLabelsName = "t10k-labels-idx1-ubyte";

    /// <summary>The four file names, without ".gz".</summary>
    public static IReadOnlyList<string> FileNames { get; } = [TrainImagesName, TrainLabelsName, TestImagesName, TestLabelsName];

    // Byte to 0..1, precomputed: the same float as b / 255f, without a division per pixel.
    private static readonly float[] s_scale = Enumerable.Range(0, 256).Select(b => b / 255f).ToArray();

    private MnistData(MnistSet train, MnistSet test)
    {
        Train = train;
        Test = test;
    }

    /// <summary>The training split (60 000 images in MNIST).</summary>
    public MnistSet Train { get; }

    /// <summary>The test split (10 000 images in MNIST).</summary>
    public MnistSet Test { get; }

    /// <summary>
    /// Where ModelGen keeps verified MNIST files between runs: $XDG_CACHE_HOME/modelgen/mnist when that
    /// variable is an absolute path (the XDG spec says to ignore a relative one), else ~/.cache/modelgen/mnist.
    /// </summary>
    public static string DefaultCacheFolder()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string root = !string.IsNullOrWhiteSpace(xdg) && Path.IsPathFullyQualified(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "modelgen", "mnist");
    }

    /// <summary>Reads and checks the four files in <paramref name="folder"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">One of the four files is in neither form.</exception>
    /// <exception cref="IdxFormatException">A file is malformed or does not fit a 28×28, 10-class dataset.</exception>
    public static MnistData Load(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder}: the data folder does not exist");
        MnistSet train = LoadSet(RequireFile(folder, TrainImagesName), RequireFile(folder, TrainLabelsName));
        MnistSet test = LoadSet(RequireFile(folder, TestImagesName), RequireFile(folder, TestLabelsName));
        return new MnistData(train, test);
    }

    /// <summary>
    /// The path of <paramref name="name"/> in <paramref name="folder"/>: the raw file if it exists (it
    /// is quicker to read), else the ".gz" one, else null.
    /// </summary>
    public static string? FindFile(string folder, string name)
    {
        string raw = Path.Combine(folder, name);
        if (File.Exists(raw)) return raw;
        string compressed = raw + ".gz";
        return File.Exists(compressed) ? compressed : null;
    }

    /// <summary>Reads one split, checking it fits the model: 28×28 images, one label 0..9 per image.</summary>
    public static MnistSet LoadSet(string imagesPath, string labelsPath)
    {
        IdxImages images = IdxReader.ReadImages(imagesPath);
        if (images.Rows != Rows || images.Columns != Columns)
            throw new IdxFormatException(imagesPath, $"the images are {images.Rows}x{images.Columns} pixels; this model needs {Rows}x{Columns}");

        IdxLabels labels = IdxReader.ReadLabels(labelsPath);
        if (labels.Count != images.Count)
            throw new IdxFormatException(labelsPath, $"it has {labels.Count} labels, but {imagesPath} has {images.Count} images");
        var digits = new int[labels.Count];
        for (int i = 0; i < digits.Length; i++)
        {
            byte label = labels.Labels[i];
            if (label >= Classes)
                throw new IdxFormatException(labelsPath, $"label {label} at index {i} is not a digit 0-9");
            digits[i] = label;
        }

        var pixels = new float[images.Pixels.Length];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = s_scale[images.Pixels[i]];
        return new MnistSet(pixels, digits);
    }

    private static string RequireFile(string folder, string name) =>
        FindFile(folder, name) ?? throw new FileNotFoundException($"{folder}: neither {name} nor {name}.gz is there", Path.Combine(folder, name));
}
