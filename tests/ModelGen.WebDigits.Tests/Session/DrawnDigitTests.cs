using ModelGen.Samples.WebDigits.Digits;
using ModelGen.WebDigits.Tests.Strokes;
using Xunit.Abstractions;

namespace ModelGen.WebDigits.Tests.Session;

/// <summary>
/// The page's reading of a canvas, on CoreCLR: the strokes the browser tests draw, rasterised with the page's pen,
/// go through the session (CLI preprocessing, then the shipped network) and read as the digits they are.
/// </summary>
public sealed class DrawnDigitTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("webdigits-session-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("cnn", 9)]
    [InlineData("resnet", 9)]
    [InlineData("mlp", 9)]
    public void Hand_drawn_strokes_read_as_their_digits(string network, int atLeast)
    {
        var session = new DigitsSession(_folder);
        session.Load(network, ShippedFiles.Model(network));
        var answers = new List<string>();
        int right = 0;
        for (int digit = 0; digit < 10; digit++)
        {
            float[] probabilities = session.Read(StrokeRaster.Draw(DigitStrokes.Of(digit)), StrokeRaster.Side, StrokeRaster.Side)
                ?? throw new Xunit.Sdk.XunitException($"The drawn {digit} was taken for an empty canvas.");
            int read = Array.IndexOf(probabilities, probabilities.Max());
            answers.Add($"{digit}→{read} ({probabilities[read]:P0})");
            if (read == digit) right++;
        }
        output.WriteLine($"{network}: {string.Join(", ", answers)}");
        Assert.True(right >= atLeast, $"{network} read {right} of 10 drawn digits (at least {atLeast} expected): {string.Join(", ", answers)}");
    }

    [Fact]
    public void The_input_the_network_saw_is_the_preprocessed_28_by_28_drawing()
    {
        var session = new DigitsSession(_folder);
        session.Load("cnn", ShippedFiles.Model("cnn"));
        session.Read(StrokeRaster.Draw(DigitStrokes.Of(1)), StrokeRaster.Side, StrokeRaster.Side);
        float[] input = session.LastInput ?? throw new Xunit.Sdk.XunitException("No input after reading a drawn 1.");
        Assert.Equal(784, input.Length);
        Assert.Equal(1f, input.Max());
        // A 1 is tall and thin: scaled to 20 pixels high, its ink spans rows 4 to 23 and few columns.
        int[] inkRows = Enumerable.Range(0, 28).Where(y => Enumerable.Range(0, 28).Any(x => input[y * 28 + x] > 0)).ToArray();
        int[] inkColumns = Enumerable.Range(0, 28).Where(x => Enumerable.Range(0, 28).Any(y => input[y * 28 + x] > 0)).ToArray();
        Assert.Equal(20, inkRows.Length);
        Assert.InRange(inkColumns.Length, 3, 9);
    }
}
