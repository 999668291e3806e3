using ModelGen.Samples.Mnist;
using ModelGen.Samples.Mnist.Imaging;

namespace ModelGen.Samples.WebDigits.Digits;

/// <summary>
/// Everything the page does with numbers, free of the browser so that it can be tested on any runtime: the loaded
/// networks and which one is selected, reading a canvas (the CLI's preprocessing, then the network), and "teach it".
/// </summary>
internal sealed class DigitsSession(string folder)
{
    private readonly Dictionary<string, PageNetwork> _networks = [];
    private readonly float[] _probabilities = new float[10];
    private Teacher? _teacher;
    private PageNetwork? _selected;

    /// <summary>The selected network's name, or null before the first is loaded.</summary>
    public string? Selected => _selected?.Name;

    /// <summary>The 28×28 input of the last canvas that held a digit (0..1, row-major), or null.</summary>
    public float[]? LastInput { get; private set; }

    /// <summary>Loads network <paramref name="name"/> from the bytes of its model file (as `train` wrote it) and selects it.</summary>
    /// <exception cref="ArgumentException">An unknown network.</exception>
    /// <exception cref="ModelGen.Serialization.ModelFileException">The file is not that network's.</exception>
    public void Load(string name, ReadOnlySpan<byte> file)
    {
        PageNetwork network = _networks.TryGetValue(name, out PageNetwork? known) ? known : Networks.Create(name);
        // The model API loads from paths; in the browser this is .NET's in-memory file system.
        Directory.CreateDirectory(folder);
        string path = FilePath(name);
        File.WriteAllBytes(path, file);
        network.Load(path);
        _networks[name] = network;
        _selected = network;
    }

    /// <summary>Whether network <paramref name="name"/> has been loaded.</summary>
    public bool IsLoaded(string name) => _networks.ContainsKey(name);

    /// <summary>Selects the loaded network <paramref name="name"/>.</summary>
    /// <exception cref="InvalidOperationException">It has not been loaded.</exception>
    public void Select(string name) =>
        _selected = _networks.TryGetValue(name, out PageNetwork? network) ? network : throw new InvalidOperationException($"Network '{name}' is not loaded yet.");

    /// <summary>Sets the MNIST digits "teach it" replays (see <see cref="ReplaySet"/>).</summary>
    public void SetReplay(ReadOnlySpan<byte> file) => _teacher = new Teacher(ReplaySet.Read(file));

    /// <summary>
    /// The selected network's ten probabilities for the drawing on a canvas (its alpha channel, row-major), or null
    /// when the canvas is empty or nearly so (the page shows a hint).
    /// </summary>
    public float[]? Read(ReadOnlySpan<byte> alpha, int width, int height)
    {
        PageNetwork network = _selected ?? throw new InvalidOperationException("No network is loaded yet.");
        GrayImage? image = CanvasInk.ToImage(alpha, width, height);
        if (image is null) return Forget();
        float[] input;
        try
        {
            input = DigitPreprocessor.Preprocess(image, "the canvas");
        }
        catch (SampleException)
        {
            // Only faint ink: nothing stands out from the page.
            return Forget();
        }
        LastInput = input;
        network.Predict(input, _probabilities);
        return _probabilities;
    }

    /// <summary>Fine-tunes the selected network on the last drawing read, labelled <paramref name="label"/>.</summary>
    /// <exception cref="InvalidOperationException">No drawing has been read, or no replay set is loaded.</exception>
    public TeachResult Teach(int label)
    {
        PageNetwork network = _selected ?? throw new InvalidOperationException("No network is loaded yet.");
        Teacher teacher = _teacher ?? throw new InvalidOperationException("The replay digits are not loaded yet.");
        float[] drawing = LastInput ?? throw new InvalidOperationException("Draw a digit first.");
        return teacher.Teach(network, drawing, label);
    }

    /// <summary>Puts the selected network back to its file's weights, undoing what it was taught.</summary>
    public void Reset()
    {
        PageNetwork network = _selected ?? throw new InvalidOperationException("No network is loaded yet.");
        network.Load(FilePath(network.Name));
    }

    private string FilePath(string name) => Path.Combine(folder, name + ".safetensors");

    private float[]? Forget()
    {
        LastInput = null;
        return null;
    }
}
