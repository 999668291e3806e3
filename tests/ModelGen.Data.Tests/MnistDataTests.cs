using ModelGen.Data;
using ModelGen.Samples.Mnist.Data;

namespace ModelGen.Data.Tests;

public sealed class MnistDataTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    // A small dataset in MNIST's layout: 5 training and 3 test images, some files compressed.
    private void WriteDataset(bool gzipTrainImages = true, bool gzipTestLabels = true)
    {
        byte[] trainImages = IdxFiles.Images(5);
        _folder.Write(gzipTrainImages ? "train-images-idx3-ubyte.gz" : "train-images-idx3-ubyte", gzipTrainImages ? IdxFiles.Gzip(trainImages) : trainImages);
        _folder.Write("train-labels-idx1-ubyte", IdxFiles.Labels(5, 0, 4, 1, 9));
        _folder.Write("t10k-images-idx3-ubyte", IdxFiles.Images(3));
        byte[] testLabels = IdxFiles.Labels(7, 2, 1);
        _folder.Write(gzipTestLabels ? "t10k-labels-idx1-ubyte.gz" : "t10k-labels-idx1-ubyte", gzipTestLabels ? IdxFiles.Gzip(testLabels) : testLabels);
    }

    [Fact]
    public void Loads_a_folder_of_raw_and_gzip_files()
    {
        WriteDataset();
        MnistData data = MnistData.Load(_folder.Path);

        Assert.Equal(5, data.Train.Count);
        Assert.Equal(3, data.Test.Count);
        Assert.Equal([5, 0, 4, 1, 9], data.Train.Labels);
        Assert.Equal([7, 2, 1], data.Test.Labels);
        Assert.Equal(5 * 784, data.Train.Pixels.Length);
        Assert.Equal(3 * 784, data.Test.Pixels.Length);
        byte[] bytes = IdxFiles.Pixels(5 * 784);
        for (int i = 0; i < bytes.Length; i++) Assert.Equal(bytes[i] / 255f, data.Train.Pixels[i]);
        Assert.Equal(IdxFiles.Pixels(784 * 2).Skip(784).Select(b => b / 255f), data.Test.Image(1).ToArray());
    }

    [Fact]
    public void Pixels_are_scaled_to_0_to_1()
    {
        WriteDataset();
        MnistData data = MnistData.Load(_folder.Path);
        // Pixel i is (7i + 3) mod 256: pixel 36 is 255, pixel 0 is 3; and 0 appears as (7·219 + 3) mod 256.
        Assert.Equal(1f, data.Train.Pixels[36]);
        Assert.Equal(3 / 255f, data.Train.Pixels[0]);
        Assert.Equal(0f, data.Train.Pixels[219]);
        Assert.All(data.Train.Pixels, p => Assert.InRange(p, 0f, 1f));
    }

    [Fact]
    public void Prefers_the_raw_file_when_both_forms_exist()
    {
        WriteDataset(gzipTrainImages: false);
        _folder.Write("train-images-idx3-ubyte.gz", [1, 2, 3]); // corrupt, but never read
        Assert.Equal(5, MnistData.Load(_folder.Path).Train.Count);
        Assert.Equal(_folder.File("train-images-idx3-ubyte"), MnistData.FindFile(_folder.Path, "train-images-idx3-ubyte"));
        Assert.Equal(_folder.File("t10k-labels-idx1-ubyte.gz"), MnistData.FindFile(_folder.Path, "t10k-labels-idx1-ubyte"));
        Assert.Null(MnistData.FindFile(_folder.Path, "other"));
    }

    [Fact]
    public void Image_and_label_counts_must_match()
    {
        WriteDataset(gzipTestLabels: false);
        string labels = _folder.Write("t10k-labels-idx1-ubyte", IdxFiles.Labels(7, 2));
        var error = Assert.Throws<IdxFormatException>(() => MnistData.Load(_folder.Path));
        Assert.Equal($"{labels}: it has 2 labels, but {_folder.File("t10k-images-idx3-ubyte")} has 3 images", error.Message);
    }

    [Fact]
    public void Labels_must_be_digits()
    {
        WriteDataset(gzipTestLabels: false);
        string labels = _folder.Write("t10k-labels-idx1-ubyte", IdxFiles.Labels(7, 2, 12));
        var error = Assert.Throws<IdxFormatException>(() => MnistData.Load(_folder.Path));
        Assert.Equal($"{labels}: label 12 at index 2 is not a digit 0-9", error.Message);
    }

    [Fact]
    public void Label_10_is_not_a_digit()
    {
        WriteDataset();
        string labels = _folder.Write("train-labels-idx1-ubyte", IdxFiles.Labels(5, 0, 10, 1, 9));
        var error = Assert.Throws<IdxFormatException>(() => MnistData.Load(_folder.Path));
        Assert.Equal($"{labels}: label 10 at index 2 is not a digit 0-9", error.Message);
    }

    [Fact]
    public void Images_must_be_28_by_28()
    {
        WriteDataset();
        string images = _folder.Write("t10k-images-idx3-ubyte", IdxFiles.Images(3, 32, 32));
        var error = Assert.Throws<IdxFormatException>(() => MnistData.Load(_folder.Path));
        Assert.Equal($"{images}: the images are 32x32 pixels; this model needs 28x28", error.Message);
    }

    [Fact]
    public void A_malformed_file_in_the_folder_is_named()
    {
        WriteDataset();
        string images = _folder.Write("train-images-idx3-ubyte.gz", IdxFiles.Gzip(IdxFiles.Images(5)[..^10]));
        var error = Assert.Throws<IdxFormatException>(() => MnistData.Load(_folder.Path));
        Assert.Equal($"{images}: the decompressed data is truncated: the header announces 5 images of 28x28 pixels (3920 bytes) but only 3910 bytes follow the header", error.Message);
    }

    [Fact]
    public void A_missing_file_is_named_in_both_forms()
    {
        WriteDataset();
        File.Delete(_folder.File("t10k-labels-idx1-ubyte.gz"));
        var error = Assert.Throws<FileNotFoundException>(() => MnistData.Load(_folder.Path));
        Assert.Equal($"{_folder.Path}: neither t10k-labels-idx1-ubyte nor t10k-labels-idx1-ubyte.gz is there", error.Message);
    }

    [Fact]
    public void A_missing_folder_is_named()
    {
        string missing = _folder.File("nowhere");
        var error = Assert.Throws<DirectoryNotFoundException>(() => MnistData.Load(missing));
        Assert.Equal($"{missing}: the data folder does not exist", error.Message);
    }
}
