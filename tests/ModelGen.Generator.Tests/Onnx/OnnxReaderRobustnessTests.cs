using ModelGen.Generator.Onnx;
using ModelGen.Tests.OnnxFiles;

namespace ModelGen.Generator.Tests.Onnx;

/// <summary>
/// The reader on damaged bytes: every truncation, every single-byte change and random garbage gives a
/// problem (a diagnostic), never an exception and never the internal-error diagnostic MG9999.
/// </summary>
public sealed class OnnxReaderRobustnessTests
{
    private static readonly byte[] Small = TestNetworks.TorchMlp(inputs: 4, hidden: 3, outputs: 2).ToBytes();
    private static readonly byte[] SmallConv = TestNetworks.TorchConvNet(channels: 2, classes: 2).ToBytes();

    private static OnnxFile Import(byte[] bytes) =>
        OnnxImport.Import(new OnnxFile("net.onnx", "/p/net.onnx", true, null, null), bytes, CancellationToken.None);

    [Fact]
    public void TheIntactFilesImport()
    {
        Assert.Null(Import(Small).Problem);
        Assert.Null(Import(SmallConv).Problem);
    }

    [Fact]
    public void EveryTruncationIsReportedWithoutAnException()
    {
        foreach (byte[] file in new[] { Small, SmallConv })
        {
            for (int length = 0; length < file.Length; length++)
            {
                OnnxFile result = Import(file[..length]);
                Assert.NotNull(result.Problem);
                Assert.NotEqual("MG9999", result.Problem!.Id);
            }
        }
        Assert.Equal(["the file is empty"], Import([]).Problem!.Arguments);
        Assert.StartsWith("truncated at byte 100 ", Import(Small[..100]).Problem!.Arguments[0], StringComparison.Ordinal);
    }

    [Fact]
    public void EveryChangedByteIsHandled()
    {
        foreach (byte[] file in new[] { Small, SmallConv })
        {
            for (int i = 0; i < file.Length; i++)
            {
                foreach (byte value in new byte[] { 0x00, 0xFF, 0x80, (byte)(file[i] ^ 0x01), (byte)(file[i] ^ 0x40) })
                {
                    byte[] changed = (byte[])file.Clone();
                    changed[i] = value;
                    OnnxFile result = Import(changed);
                    Assert.True(result.Problem is null or { Id: not "MG9999" }, $"byte {i} = {value}: {result.Problem}");
                }
            }
        }
    }

    [Fact]
    public void GarbageIsNotAnOnnxFile()
    {
        var random = new Random(7);
        for (int n = 0; n < 500; n++)
        {
            var bytes = new byte[random.Next(1, 400)];
            random.NextBytes(bytes);
            OnnxFile result = Import(bytes);
            Assert.NotNull(result.Problem);
            Assert.NotEqual("MG9999", result.Problem!.Id);
        }
    }

    [Theory]
    [InlineData(new byte[] { 0x08 }, "truncated at byte 1 (a field starting at byte 1 runs past the end of its message)")]
    [InlineData(new byte[] { 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, "a varint is longer than 10 bytes at byte 1")]
    [InlineData(new byte[] { 0x3A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F }, "a length of 4294967295 bytes is larger than any ONNX file ModelGen reads at byte 1")]
    [InlineData(new byte[] { 0x0B }, "wire type 3 of field 1 is not used by ONNX at byte 0")]
    [InlineData(new byte[] { 0x0A, 0x00 }, "a field has wire type 2 where ONNX has 0 at byte 1")]
    [InlineData(new byte[] { 0x08, 0x07 }, "it has no graph (field 7 of ModelProto)")]
    [InlineData(new byte[] { 0x50, 0x4B, 0x03, 0x04 }, "field number 0 is out of range at byte 2")] // a zip file's magic
    public void MalformedBytesAreNamed(byte[] bytes, string expected) =>
        Assert.Equal([expected], Import(bytes).Problem!.Arguments);
}
