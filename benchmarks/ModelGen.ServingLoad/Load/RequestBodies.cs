using System.Text;
using ModelGen.Data;

namespace ModelGen.ServingLoad.Load;

/// <summary>
/// Inference request bodies made of real MNIST test images (UINT8, shape [batch, 784], which every MNIST network
/// takes), so the models see the sparsity they were trained on: the row kernels skip zero pixels, and random
/// pixels would cost more than digits do.
/// </summary>
public static class RequestBodies
{
    public static byte[][] FromMnistTestSet(int batch, int count)
    {
        string folder = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "modelgen", "mnist");
        string path = Path.Combine(folder, "t10k-images-idx3-ubyte");
        if (!File.Exists(path)) path += ".gz";
        if (!File.Exists(path)) throw new UsageException($"no MNIST test images in {folder}; run the MNIST sample's train once, which caches them there");
        IdxImages images = IdxReader.ReadImages(path);
        var bodies = new byte[count][];
        for (int b = 0; b < count; b++)
        {
            var text = new StringBuilder($$"""{"inputs":[{"name":"input","shape":[{{batch}},784],"datatype":"UINT8","data":[""");
            for (int s = 0; s < batch; s++)
            {
                int image = (b * batch + s) % images.Count;
                ReadOnlySpan<byte> pixels = images.Pixels.AsSpan(image * 784, 784);
                for (int p = 0; p < 784; p++) text.Append(s + p == 0 ? "" : ",").Append(pixels[p]);
            }
            bodies[b] = Encoding.UTF8.GetBytes(text.Append("]}]}").ToString());
        }
        return bodies;
    }
}
