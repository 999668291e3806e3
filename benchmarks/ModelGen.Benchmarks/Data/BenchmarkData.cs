using ModelGen.Data;
using ModelGen.Samples.Mnist.Data;

namespace ModelGen.Benchmarks.Data;

/// <summary>
/// The images every engine trains and infers on: real MNIST when its four files are in the folder
/// given or in the cache folder the MNIST sample fills ($XDG_CACHE_HOME/modelgen/mnist or
/// ~/.cache/modelgen/mnist), else synthetic MNIST-shaped data. The kernels skip zero inputs, so the
/// synthetic images have MNIST's sparsity (about 19 % of pixels lit) rather than dense noise.
/// </summary>
public sealed class BenchmarkData
{
    private BenchmarkData(MnistSet train, MnistSet test, string description, bool isMnist)
    {
        Train = train;
        Test = test;
        Description = description;
        IsMnist = isMnist;
    }

    /// <summary>60 000 training images (or as many as the folder's set has).</summary>
    public MnistSet Train { get; }

    /// <summary>10 000 test images.</summary>
    public MnistSet Test { get; }

    /// <summary>What the data is and where it came from, for the output.</summary>
    public string Description { get; }

    /// <summary>Whether this is the real MNIST.</summary>
    public bool IsMnist { get; }

    /// <summary>The share of non-zero pixels in the training images.</summary>
    public double NonZeroShare => Train.Pixels.Count(p => p != 0f) / (double)Train.Pixels.Length;

    /// <summary>MNIST from <paramref name="folder"/> (or the cache folder when null) if all four files are there, else synthetic data.</summary>
    /// <exception cref="BenchmarkException"><paramref name="folder"/> was given but does not hold a readable MNIST.</exception>
    public static BenchmarkData Load(string? folder)
    {
        if (folder is not null)
        {
            try
            {
                MnistData given = MnistData.Load(folder);
                return new BenchmarkData(given.Train, given.Test, $"MNIST from {folder}", isMnist: true);
            }
            catch (Exception e) when (e is IOException or IdxFormatException or InvalidDataException)
            {
                throw new BenchmarkException($"--data: {e.Message}");
            }
        }

        string cache = MnistData.DefaultCacheFolder();
        if (MnistData.FileNames.All(name => MnistData.FindFile(cache, name) is not null))
        {
            try
            {
                MnistData cached = MnistData.Load(cache);
                return new BenchmarkData(cached.Train, cached.Test, $"MNIST from {Home(cache)}", isMnist: true);
            }
            catch (Exception e) when (e is IOException or IdxFormatException or InvalidDataException)
            {
                Console.Error.WriteLine($"warning: the MNIST cache {cache} is unreadable ({e.Message}); using synthetic data");
            }
        }
        return Synthetic($"synthetic MNIST-shaped data (MNIST not found in {Home(cache)}; run the MNIST sample once to fetch it)");
    }

    /// <summary>
    /// 60 000 + 10 000 synthetic 28×28 images: each class has a fixed random pattern of lit pixels
    /// (19 % of the image), and each image is its class's pattern with a tenth of the lit pixels moved
    /// elsewhere and random intensities, so the network can learn it and sparsity matches MNIST.
    /// </summary>
    public static BenchmarkData Synthetic(string description)
    {
        var random = new Xoshiro256StarStar(20240601);
        const int pixels = MnistData.PixelsPerImage;
        var patterns = new bool[MnistData.Classes][];
        for (int c = 0; c < patterns.Length; c++)
        {
            patterns[c] = new bool[pixels];
            for (int p = 0; p < pixels; p++) patterns[c][p] = random.NextSingle() < 0.19f;
        }
        return new BenchmarkData(Make(60_000, patterns, ref random), Make(10_000, patterns, ref random), description, isMnist: false);
    }

    private static MnistSet Make(int count, bool[][] patterns, ref Xoshiro256StarStar random)
    {
        const int pixels = MnistData.PixelsPerImage;
        var values = new float[count * pixels];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            int label = random.NextInt32(MnistData.Classes);
            labels[i] = label;
            Span<float> image = values.AsSpan(i * pixels, pixels);
            for (int p = 0; p < pixels; p++)
            {
                if (!patterns[label][p]) continue;
                // One lit pixel in ten lands somewhere random instead: noise the network must see through.
                int at = random.NextSingle() < 0.1f ? random.NextInt32(pixels) : p;
                image[at] = 0.2f + 0.8f * random.NextSingle();
            }
        }
        return new MnistSet(values, labels);
    }

    // The path with the home folder shown as "~": results files are shared, user names need not be.
    private static string Home(string path)
    {
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return home.Length > 1 && path.StartsWith(home + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? "~" + path[home.Length..] : path;
    }
}
