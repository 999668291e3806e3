using ModelGen.Samples.WebDigits.Digits;
using ModelGen.WebDigits.Tests.Strokes;

namespace ModelGen.WebDigits.Tests.Session;

/// <summary>When the page shows a hint instead of a prediction: an empty canvas, a dot, faint ink.</summary>
public sealed class CanvasRuleTests : IDisposable
{
    private const int Side = StrokeRaster.Side;
    private readonly string _folder = Directory.CreateTempSubdirectory("webdigits-canvas-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void An_empty_canvas_has_no_image() => Assert.Null(CanvasInk.ToImage(new byte[Side * Side], Side, Side));

    [Fact]
    public void A_dot_is_too_small_to_be_a_digit()
    {
        // A tap of the pen: 22 pixels across, under a tenth of the canvas.
        byte[] dot = StrokeRaster.Draw([[(0.5, 0.5)]]);
        Assert.Contains(dot, a => a == 255);
        Assert.Null(CanvasInk.ToImage(dot, Side, Side));
    }

    [Fact]
    public void A_short_dash_just_past_a_tenth_of_the_canvas_is_read()
    {
        // The rule is on the ink's extent: a stroke spanning 12 % of the side is a (small) digit.
        byte[] dash = StrokeRaster.Draw([[(0.5, 0.5), (0.5, 0.54)]]);
        Assert.NotNull(CanvasInk.ToImage(dash, Side, Side));
    }

    [Fact]
    public void The_session_answers_an_empty_or_faint_canvas_with_no_prediction_and_forgets_the_last_input()
    {
        var session = new DigitsSession(_folder);
        session.Load("mlp", ShippedFiles.Model("mlp"));
        Assert.NotNull(session.Read(StrokeRaster.Draw(DigitStrokes.Of(7)), Side, Side));
        Assert.NotNull(session.LastInput);

        Assert.Null(session.Read(new byte[Side * Side], Side, Side));
        Assert.Null(session.LastInput);

        // Faint ink everywhere (alpha 20 of 255): no stroke stands out, so no digit.
        byte[] haze = Enumerable.Repeat((byte)20, Side * Side).ToArray();
        Assert.Null(session.Read(haze, Side, Side));
    }

    [Fact]
    public void A_canvas_of_the_wrong_size_is_refused_with_its_sizes()
    {
        var e = Assert.Throws<ArgumentException>(() => CanvasInk.ToImage(new byte[100], Side, Side));
        Assert.Contains("100 alpha values for a 280x280 canvas", e.Message);
    }
}
