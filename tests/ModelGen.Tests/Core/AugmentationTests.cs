using ModelGen.Tests.Models;
using ModelGen.Training;

namespace ModelGen.Tests.Core;

/// <summary>
/// Image augmentation: each transform pixel by pixel on a 4×5×2 image for stated draws, the draws from the seed and
/// the step alone, and the trainer's use of it (training batches only, repeatable, off by default).
/// </summary>
public sealed class AugmentationTests
{
    private static readonly TensorShape s_shape = TensorShape.Image(4, 5, 2);

    // Pixel (y, x) of the source holds 10·(y + 1) + (x + 1) in channel 0 and 100 more in channel 1: "23" is row 1, column 2.
    private static readonly float[] s_source = Image(new int[,]
    {
        { 11, 12, 13, 14, 15 },
        { 21, 22, 23, 24, 25 },
        { 31, 32, 33, 34, 35 },
        { 41, 42, 43, 44, 45 },
    });

    // A 4×5×2 image from channel 0's codes: channel 1 is the code + 100, and a 0 is a zero pixel (both channels).
    private static float[] Image(int[,] codes)
    {
        var image = new float[40];
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 5; x++)
            {
                int code = codes[y, x];
                image[(y * 5 + x) * 2] = code;
                image[(y * 5 + x) * 2 + 1] = code == 0 ? 0 : code + 100;
            }
        return image;
    }

    private static float[] Transform(ImageAugmentation settings, AugmentationDraw draw)
    {
        var output = new float[40];
        Array.Fill(output, float.NaN); // every value must be written
        ImageAugmenter.Transform(settings, s_shape, draw, s_source, output);
        return output;
    }

    private static readonly AugmentationDraw s_none = new(0, 0, false, 0, 0, 0, 0, 0, 0);

    [Fact]
    public void Random_crop_after_padding_takes_the_window_at_its_offset_in_the_padded_image()
    {
        // Padding 1, window at row 0 and column 2 of the 6×7 padded image: out(y, x) = in(y − 1, x + 1).
        float[] actual = Transform(new ImageAugmentation { CropPadding = 1 }, s_none with { CropTop = 0, CropLeft = 2 });

        Assert.Equal(Image(new int[,]
        {
            { 0, 0, 0, 0, 0 },
            { 12, 13, 14, 15, 0 },
            { 22, 23, 24, 25, 0 },
            { 32, 33, 34, 35, 0 },
        }), actual);
        // The centred window (P, P) is the image itself.
        Assert.Equal(s_source, Transform(new ImageAugmentation { CropPadding = 2 }, s_none with { CropTop = 2, CropLeft = 2 }));
    }

    [Fact]
    public void Horizontal_flip_mirrors_each_row_and_keeps_the_channels()
    {
        float[] actual = Transform(new ImageAugmentation { HorizontalFlip = true }, s_none with { Flip = true });

        Assert.Equal(Image(new int[,]
        {
            { 15, 14, 13, 12, 11 },
            { 25, 24, 23, 22, 21 },
            { 35, 34, 33, 32, 31 },
            { 45, 44, 43, 42, 41 },
        }), actual);
    }

    [Fact]
    public void Translation_shifts_by_whole_pixels_with_zero_fill()
    {
        // One row up, two columns right: out(y, x) = in(y + 1, x − 2).
        float[] actual = Transform(new ImageAugmentation { MaxTranslation = 2 }, s_none with { ShiftDown = -1, ShiftRight = 2 });

        Assert.Equal(Image(new int[,]
        {
            { 0, 0, 21, 22, 23 },
            { 0, 0, 31, 32, 33 },
            { 0, 0, 41, 42, 43 },
            { 0, 0, 0, 0, 0 },
        }), actual);
    }

    [Fact]
    public void Random_erasing_fills_its_rectangle_in_every_channel()
    {
        float[] actual = Transform(new ImageAugmentation { ErasingProbability = 0.5 }, s_none with { EraseHeight = 2, EraseWidth = 3, EraseTop = 1, EraseLeft = 1 });

        Assert.Equal(Image(new int[,]
        {
            { 11, 12, 13, 14, 15 },
            { 21, 0, 0, 0, 25 },
            { 31, 0, 0, 0, 35 },
            { 41, 42, 43, 44, 45 },
        }), actual);

        float[] valued = Transform(new ImageAugmentation { ErasingProbability = 1, ErasingValue = -1 }, s_none with { EraseHeight = 1, EraseWidth = 1, EraseTop = 3, EraseLeft = 4 });
        Assert.Equal([-1f, -1f], valued[^2..]);
        Assert.Equal(s_source[..^2], valued[..^2]);
    }

    [Fact]
    public void The_transforms_compose_as_crop_then_flip_then_translate_then_erase()
    {
        // Crop (padding 1, window at (2, 0)): c(y, x) = in(y + 1, x − 1). Flip: f(y, x) = c(y, 4 − x).
        // Translate one column right: t(y, x) = f(y, x − 1) = in(y + 1, 4 − x) for x ≥ 1. Erase the pixel (0, 4).
        var settings = new ImageAugmentation { CropPadding = 1, HorizontalFlip = true, MaxTranslation = 1, ErasingProbability = 0.5 };
        float[] actual = Transform(settings, new AugmentationDraw(2, 0, true, 0, 1, 1, 1, 0, 4));

        Assert.Equal(Image(new int[,]
        {
            { 0, 24, 23, 22, 0 },
            { 0, 34, 33, 32, 31 },
            { 0, 44, 43, 42, 41 },
            { 0, 0, 0, 0, 0 },
        }), actual);
    }

    [Fact]
    public void Rotation_takes_the_nearest_source_pixel_about_the_centre_counter_clockwise()
    {
        var shape = TensorShape.Image(3, 3, 2);
        float[] source = Square(new int[,] { { 11, 12, 13 }, { 21, 22, 23 }, { 31, 32, 33 } });
        var settings = new ImageAugmentation { MaxRotationDegrees = 90 };
        float[] Rotate(double degrees)
        {
            var output = new float[18];
            Array.Fill(output, float.NaN);
            ImageAugmenter.Transform(settings, shape, s_none with { RotationDegrees = degrees }, source, output);
            return output;
        }

        // 90°: out(y, x) = in(x, 2 − y); the top-right corner goes to the top left.
        Assert.Equal(Square(new int[,] { { 13, 23, 33 }, { 12, 22, 32 }, { 11, 21, 31 } }), Rotate(90));
        // 45°, nearest pixel: out(0, 0) reads (round(1 − √2), round(1 + 0)) = (0, 1); the ring moves one step counter-clockwise.
        Assert.Equal(Square(new int[,] { { 12, 13, 23 }, { 11, 22, 33 }, { 21, 31, 32 } }), Rotate(45));
        Assert.Equal(Square(new int[,] { { 21, 11, 12 }, { 31, 22, 13 }, { 32, 33, 23 } }), Rotate(-45));

        // Zero fill: a 1×3 strip turned by 90° keeps only its centre.
        var strip = TensorShape.Image(1, 3, 2);
        var turned = new float[6];
        ImageAugmenter.Transform(settings, strip, s_none with { RotationDegrees = 90 }, [11, 111, 12, 112, 13, 113], turned);
        Assert.Equal([0f, 0f, 12f, 112f, 0f, 0f], turned);
    }

    // A 3×3×2 image from channel 0's codes (channel 1: + 100; 0: a zero pixel).
    private static float[] Square(int[,] codes)
    {
        var image = new float[18];
        for (int y = 0; y < 3; y++)
            for (int x = 0; x < 3; x++)
            {
                image[(y * 3 + x) * 2] = codes[y, x];
                image[(y * 3 + x) * 2 + 1] = codes[y, x] == 0 ? 0 : codes[y, x] + 100;
            }
        return image;
    }

    [Fact]
    public void Draws_stay_in_range_and_flip_only_when_asked()
    {
        var settings = new ImageAugmentation { CropPadding = 2, MaxTranslation = 1, MaxRotationDegrees = 10, ErasingProbability = 0.5 };
        Assert.False(new ImageAugmentation().HorizontalFlip); // off by default: digits must not flip
        Assert.False(new ImageAugmentation().IsActive);
        var shape = TensorShape.Image(28, 28, 1);
        var random = ImageAugmenter.RandomForStep(7, 0);
        int erased = 0, flipped = 0;
        var flipping = settings with { HorizontalFlip = true };
        var other = ImageAugmenter.RandomForStep(7, 1);
        for (int i = 0; i < 4000; i++)
        {
            AugmentationDraw d = ImageAugmenter.Draw(settings, shape, ref random);
            Assert.False(d.Flip);
            Assert.InRange(d.CropTop, 0, 4);
            Assert.InRange(d.CropLeft, 0, 4);
            Assert.InRange(d.ShiftDown, -1, 1);
            Assert.InRange(d.ShiftRight, -1, 1);
            Assert.InRange(d.RotationDegrees, -10, 10);
            if (d.EraseHeight > 0)
            {
                erased++;
                Assert.InRange(d.EraseHeight * d.EraseWidth, 1, 0.33 * 784 * 1.2);
                Assert.InRange(d.EraseHeight, 1, 27); // torchvision keeps h < H and w < W
                Assert.InRange(d.EraseWidth, 1, 27);
                Assert.InRange(d.EraseTop + d.EraseHeight, 1, 28);
                Assert.InRange(d.EraseLeft + d.EraseWidth, 1, 28);
            }
            if (ImageAugmenter.Draw(flipping, shape, ref other).Flip) flipped++;
        }
        Assert.InRange(erased, 1800, 2200); // p = 0.5 (28×28: a rectangle almost always fits)
        Assert.InRange(flipped, 1800, 2200);
    }

    [Fact]
    public void A_batch_is_augmented_with_the_draws_of_its_seed_and_step_image_by_image()
    {
        var settings = new ImageAugmentation { CropPadding = 1, HorizontalFlip = true, MaxTranslation = 1, MaxRotationDegrees = 15, ErasingProbability = 0.5 };
        var augmenter = new ImageAugmenter(settings, s_shape, seed: 9);
        float[] batch = [.. s_source, .. s_source, .. s_source];

        augmenter.Apply(batch, 3, step: 5);

        var random = ImageAugmenter.RandomForStep(9, 5);
        for (int i = 0; i < 3; i++)
        {
            var expected = new float[40];
            ImageAugmenter.Transform(settings, s_shape, ImageAugmenter.Draw(settings, s_shape, ref random), s_source, expected);
            Assert.Equal(expected, batch[(i * 40)..((i + 1) * 40)]);
        }
    }

    [Fact]
    public void The_same_seed_and_step_give_the_same_batch_bit_for_bit_and_another_seed_or_step_another()
    {
        var settings = new ImageAugmentation { CropPadding = 2, HorizontalFlip = true, MaxTranslation = 2, ErasingProbability = 0.5 };
        var (images, _) = SyntheticDigits.Create(32, seed: 4);
        var shape = TensorShape.Image(28, 28, 1);
        float[] Run(ulong seed, long step)
        {
            float[] batch = (float[])images.Clone();
            new ImageAugmenter(settings, shape, seed).Apply(batch, 32, step);
            return batch;
        }

        float[] first = Run(3, 10);
        Assert.Equal(first, Run(3, 10));
        Assert.NotEqual(first, Run(4, 10));
        Assert.NotEqual(first, Run(3, 11));
        Assert.NotEqual(images, first);
    }

    private static LabeledData Digits(int count, ulong seed)
    {
        var (images, labels) = SyntheticDigits.Create(count, seed);
        return new LabeledData(images, labels, SyntheticDigits.Pixels);
    }

    private static readonly ImageAugmentation s_all = new() { CropPadding = 2, HorizontalFlip = true, MaxTranslation = 2, MaxRotationDegrees = 10, ErasingProbability = 0.5 };

    [Fact]
    public void Training_with_augmentation_is_repeatable_and_differs_from_training_without()
    {
        LabeledData train = Digits(200, 3);
        float[] copy = (float[])train.Inputs.Clone();
        float[] Run(ulong seed, ImageAugmentation? augmentation)
        {
            var model = new TinyConvNet(seed: 1);
            new ClassifierTrainer<TinyConvNet.Workspace>(model, new Adam(), train, new FitOptions { BatchSize = 50, Seed = seed, Augmentation = augmentation }).Fit(2);
            return (float[])model.Parameters.Clone();
        }

        float[] first = Run(5, s_all);
        Assert.Equal(first, Run(5, s_all));
        Assert.NotEqual(first, Run(5, null));
        Assert.NotEqual(first, Run(5, s_all with { ErasingProbability = 0 }));
        // Settings with every transform off change nothing, bit for bit.
        Assert.Equal(Run(5, null), Run(5, new ImageAugmentation()));
        Assert.Equal(copy, train.Inputs); // the batches are augmented, never the training set
    }

    [Fact]
    public void Evaluation_is_never_augmented()
    {
        LabeledData train = Digits(200, 3), validation = Digits(100, 4);
        var model = new TinyConvNet(seed: 1);
        var trainer = new ClassifierTrainer<TinyConvNet.Workspace>(model, new Adam(), train, new FitOptions { BatchSize = 50, Seed = 2, Augmentation = s_all });

        TrainingHistory history = trainer.Fit(1, validation);

        EvaluationResult plain = model.Evaluate(validation);
        Assert.Equal(plain.Loss, history.Epochs[^1].ValidationLoss);
        Assert.Equal(plain.Accuracy, history.Epochs[^1].ValidationAccuracy);
    }

    [Fact]
    public void A_model_whose_input_is_not_an_image_is_refused_with_one_line()
    {
        LabeledData train = Digits(10, 3);
        var e = Assert.Throws<ArgumentException>(() =>
            new ClassifierTrainer<MnistMlp.Workspace>(new MnistMlp(1), new Adam(), train, new FitOptions { Augmentation = s_all }));

        Assert.StartsWith("Image augmentation needs a model whose input is an image [height, width, channels]; this one takes [784].", e.Message);
        // Without augmentation, or with every transform off, nothing is checked.
        _ = new ClassifierTrainer<MnistMlp.Workspace>(new MnistMlp(1), new Adam(), train, new FitOptions { Augmentation = new ImageAugmentation() });
    }

    [Fact]
    public void Settings_out_of_range_are_refused()
    {
        var shape = TensorShape.Image(28, 28, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageAugmenter(new ImageAugmentation { CropPadding = -1 }, shape, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageAugmenter(new ImageAugmentation { MaxTranslation = 28 }, shape, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageAugmenter(new ImageAugmentation { ErasingProbability = 1.5 }, shape, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageAugmenter(new ImageAugmentation { MaxRotationDegrees = double.NaN }, shape, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageAugmenter(new ImageAugmentation { ErasingProbability = 0.5, ErasingScale = (0.5, 0.2) }, shape, 0));
    }
}
