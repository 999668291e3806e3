using ModelGen.Samples.WebDigits.Digits;
using ModelGen.WebDigits.Tests.Strokes;

namespace ModelGen.WebDigits.Tests.Session;

/// <summary>"Teach it" on CoreCLR: a round changes the answer, keeps the network's MNIST knowledge, and Reset undoes it.</summary>
public sealed class TeachTests : IDisposable
{
    private const int Side = StrokeRaster.Side;
    private readonly string _folder = Directory.CreateTempSubdirectory("webdigits-teach-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("mlp")]
    [InlineData("cnn")]
    public void Teaching_a_drawn_1_that_it_is_a_7_changes_the_answer_and_reset_undoes_it(string network)
    {
        var session = Session(network);
        byte[] one = StrokeRaster.Draw(DigitStrokes.Of(1));
        Assert.Equal(1, Argmax(session.Read(one, Side, Side)!));

        TeachResult result = session.Teach(7);

        Assert.InRange(result.Steps, 1, Teacher.MaxSteps);
        Assert.True(result.Probabilities[7] >= Teacher.Confidence, $"after {result.Steps} steps p(7) = {result.Probabilities[7]:P1}");
        Assert.Equal(7, Argmax(session.Read(one, Side, Side)!));

        session.Reset();
        Assert.Equal(1, Argmax(session.Read(one, Side, Side)!));
    }

    [Fact]
    public void A_lesson_keeps_the_other_drawn_digits()
    {
        var session = Session("cnn");
        session.Read(StrokeRaster.Draw(DigitStrokes.Of(1)), Side, Side);
        session.Teach(7);
        // The replayed MNIST digits keep the rest: every other drawn digit still reads right.
        foreach (int digit in new[] { 0, 2, 3, 4, 5, 6, 8, 9 })
            Assert.Equal(digit, Argmax(session.Read(StrokeRaster.Draw(DigitStrokes.Of(digit)), Side, Side)!));
    }

    [Fact]
    public void Teaching_what_it_already_reads_takes_one_step()
    {
        var session = Session("cnn");
        session.Read(StrokeRaster.Draw(DigitStrokes.Of(3)), Side, Side);
        Assert.Equal(1, session.Teach(3).Steps);
    }

    [Fact]
    public void Teaching_needs_a_drawing_and_a_digit()
    {
        var session = Session("mlp");
        Assert.Equal("Draw a digit first.", Assert.Throws<InvalidOperationException>(() => session.Teach(4)).Message);
        session.Read(StrokeRaster.Draw(DigitStrokes.Of(4)), Side, Side);
        Assert.Throws<ArgumentOutOfRangeException>(() => session.Teach(10));
    }

    [Fact]
    public void The_shipped_replay_set_holds_50_training_digits_of_each_class()
    {
        byte[] file = ShippedFiles.Replay();
        Assert.Equal(500 * ReplaySet.RecordSize, file.Length);
        ReplaySet replay = ReplaySet.Read(file);
        Assert.All(Enumerable.Range(0, 10), d => Assert.Equal(50, Enumerable.Range(0, replay.Count).Count(i => replay.Label(i) == d)));
        Assert.Equal(1f, replay.Image(0).ToArray().Max());
    }

    [Theory]
    [InlineData(0, "0 bytes is not a whole number of 785-byte records")]
    [InlineData(784, "784 bytes is not a whole number of 785-byte records")]
    public void A_damaged_replay_file_is_refused(int length, string message) =>
        Assert.Contains(message, Assert.Throws<FormatException>(() => ReplaySet.Read(new byte[length])).Message);

    [Fact]
    public void A_replay_label_above_9_is_refused()
    {
        var file = new byte[2 * ReplaySet.RecordSize];
        file[ReplaySet.RecordSize] = 12;
        Assert.Equal("replay.bin: record 1 has label 12; labels are 0 to 9.", Assert.Throws<FormatException>(() => ReplaySet.Read(file)).Message);
    }

    private DigitsSession Session(string network)
    {
        var session = new DigitsSession(_folder);
        session.Load(network, ShippedFiles.Model(network));
        session.SetReplay(ShippedFiles.Replay());
        return session;
    }

    private static int Argmax(float[] values) => Array.IndexOf(values, values.Max());
}
