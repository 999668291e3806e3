using ModelGen.Samples.Mnist;
using ModelGen.Samples.Mnist.Imaging;

namespace ModelGen.Mnist.Tests;

/// <summary>Preparing the user's pictures as MNIST's digits were: invert, crop, scale to 20 px, centre by mass in 28×28.</summary>
public sealed class PreprocessingTests
{
    [Fact]
    public void A_dark_digit_on_light_paper_is_inverted_cropped_scaled_and_centred()
    {
        // Drawn off-centre, in the upper left of a landscape picture, 120 × 150 px.
        GrayImage picture = DrawnDigits.Draw(300, 220, DrawnDigits.Seven, 20, 10, 120, 150, 16);

        float[] input = DigitPreprocessor.Preprocess(picture, "seven.png");

        Assert.Equal(784, input.Length);
        // Inverted: the paper became 0 (most of the field, and the corners), the ink bright, up to 1.
        Assert.True(input.Count(v => v == 0f) > 784 / 2, $"only {input.Count(v => v == 0f)} of 784 pixels are background");
        Assert.All([input[0], input[27], input[27 * 28], input[27 * 28 + 27]], corner => Assert.Equal(0f, corner));
        Assert.Equal(1f, input.Max());
        // Scaled so the longer side (the height) is 20 pixels; the width in proportion.
        var (width, height) = DrawnDigits.InkBox(input);
        Assert.Equal(20, height);
        Assert.InRange(width, 15, 20);
        // Centred by mass: within half a pixel of the middle of the field.
        var (cx, cy) = DrawnDigits.CentreOfMass(input);
        Assert.InRange(cx, 13.5, 14.5);
        Assert.InRange(cy, 13.5, 14.5);
    }

    [Fact]
    public void A_light_digit_on_dark_paper_gives_the_same_input_as_its_negative()
    {
        GrayImage light = DrawnDigits.Draw(200, 200, DrawnDigits.Seven, 50, 30, 90, 120, 12);
        var dark = new GrayImage(light.Width, light.Height, light.Pixels.Select(p => 1f - p).ToArray());

        float[] fromLight = DigitPreprocessor.Preprocess(light, "light");
        float[] fromDark = DigitPreprocessor.Preprocess(dark, "dark");

        for (int i = 0; i < fromLight.Length; i++) Assert.Equal(fromLight[i], fromDark[i], 1e-5f);
    }

    [Fact]
    public void A_small_digit_is_enlarged_to_20_pixels_and_centred()
    {
        GrayImage picture = DrawnDigits.Draw(40, 30, DrawnDigits.Seven, 3, 4, 8, 11, 2.5f);

        float[] input = DigitPreprocessor.Preprocess(picture, "tiny");

        var (width, height) = DrawnDigits.InkBox(input);
        Assert.Equal(20, height);
        Assert.InRange(width, 12, 20);
        var (cx, cy) = DrawnDigits.CentreOfMass(input);
        Assert.InRange(cx, 13.5, 14.5);
        Assert.InRange(cy, 13.5, 14.5);
    }

    [Fact]
    public void A_blank_picture_is_an_error_naming_the_file()
    {
        var blank = new GrayImage(50, 40, Enumerable.Repeat(0.97f, 2000).ToArray());

        var error = Assert.Throws<SampleException>(() => DigitPreprocessor.Preprocess(blank, "empty.png"));

        Assert.Equal("empty.png: no digit found: the image is blank (no ink stands out from the background).", error.Message);
    }

    [Fact]
    public void A_png_file_is_read_and_prepared()
    {
        using var folder = new TestFolder();
        string path = folder.File("seven.png");
        File.WriteAllBytes(path, DrawnDigits.Png(240, 320, DrawnDigits.Seven, 60, 90, 130, 18));

        float[] input = DigitPreprocessor.Preprocess(ImageFileReader.Read(path), path);

        var (width, height) = DrawnDigits.InkBox(input);
        Assert.Equal(20, Math.Max(width, height));
        var (cx, cy) = DrawnDigits.CentreOfMass(input);
        Assert.InRange(cx, 13.5, 14.5);
        Assert.InRange(cy, 13.5, 14.5);
        Assert.Equal(0f, input[0]);
    }

    [Fact]
    public void Strokes_on_a_transparent_background_count_as_ink_on_paper()
    {
        using var folder = new TestFolder();
        string opaque = folder.File("opaque.png"), transparent = folder.File("transparent.png");
        File.WriteAllBytes(opaque, DrawnDigits.Png(100, 100, DrawnDigits.Seven, 20, 10, 60, 9));
        File.WriteAllBytes(transparent, DrawnDigits.Png(100, 100, DrawnDigits.Seven, 20, 10, 60, 9, transparent: true));

        float[] fromOpaque = DigitPreprocessor.Preprocess(ImageFileReader.Read(opaque), opaque);
        float[] fromTransparent = DigitPreprocessor.Preprocess(ImageFileReader.Read(transparent), transparent);

        for (int i = 0; i < fromOpaque.Length; i++) Assert.Equal(fromOpaque[i], fromTransparent[i], 0.02f);
    }

    [Fact]
    public void A_file_that_is_not_an_image_is_an_error_naming_it()
    {
        using var folder = new TestFolder();
        string path = folder.File("notes.png");
        File.WriteAllText(path, "these are not pixels");

        var error = Assert.Throws<SampleException>(() => ImageFileReader.Read(path));

        Assert.StartsWith($"{path}: not a PNG or JPEG image that can be read (", error.Message);
    }
}
