using System.Runtime.Intrinsics;

namespace ModelGen;

/// <summary>
/// Per-channel sums in double over rows of channels-last floats, for batch normalization: each channel's
/// sum adds its rows in row order, exactly as a scalar loop over the channels would (a lane of a double
/// vector is one channel; float → double is exact, and the products are rounded before they are added,
/// never fused), so the results are the same bits at every vector width.
/// </summary>
internal static unsafe class ChannelSums
{
    /// <summary>sum[c] += Σ_r x[r, c], rows in order.</summary>
    public static void Add(float* x, double* sum, int rows, int channels)
    {
        int c = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; c <= channels - 8; c += 8)
            {
                Vector256<double> lo = Vector256.Load(sum + c), hi = Vector256.Load(sum + c + 4);
                float* p = x + c;
                for (int r = 0; r < rows; r++, p += channels)
                {
                    var v = Vector256.Load(p);
                    lo += Vector256.WidenLower(v);
                    hi += Vector256.WidenUpper(v);
                }
                lo.Store(sum + c);
                hi.Store(sum + c + 4);
            }
        if (Vector128.IsHardwareAccelerated)
            for (; c <= channels - 4; c += 4)
            {
                Vector128<double> lo = Vector128.Load(sum + c), hi = Vector128.Load(sum + c + 2);
                float* p = x + c;
                for (int r = 0; r < rows; r++, p += channels)
                {
                    var v = Vector128.Load(p);
                    lo += Vector128.WidenLower(v);
                    hi += Vector128.WidenUpper(v);
                }
                lo.Store(sum + c);
                hi.Store(sum + c + 2);
            }
        for (; c < channels; c++)
        {
            double s = sum[c];
            float* p = x + c;
            for (int r = 0; r < rows; r++, p += channels) s += *p;
            sum[c] = s;
        }
    }

    /// <summary>deviation[c] += Σ_r (x[r, c] − mean[c])², rows in order, each square rounded before it is added.</summary>
    public static void AddSquaredDeviations(float* x, double* mean, double* deviation, int rows, int channels)
    {
        int c = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; c <= channels - 8; c += 8)
            {
                Vector256<double> lo = Vector256.Load(deviation + c), hi = Vector256.Load(deviation + c + 4);
                Vector256<double> mlo = Vector256.Load(mean + c), mhi = Vector256.Load(mean + c + 4);
                float* p = x + c;
                for (int r = 0; r < rows; r++, p += channels)
                {
                    var v = Vector256.Load(p);
                    Vector256<double> dlo = Vector256.WidenLower(v) - mlo, dhi = Vector256.WidenUpper(v) - mhi;
                    lo += dlo * dlo;
                    hi += dhi * dhi;
                }
                lo.Store(deviation + c);
                hi.Store(deviation + c + 4);
            }
        if (Vector128.IsHardwareAccelerated)
            for (; c <= channels - 4; c += 4)
            {
                Vector128<double> lo = Vector128.Load(deviation + c), hi = Vector128.Load(deviation + c + 2);
                Vector128<double> mlo = Vector128.Load(mean + c), mhi = Vector128.Load(mean + c + 2);
                float* p = x + c;
                for (int r = 0; r < rows; r++, p += channels)
                {
                    var v = Vector128.Load(p);
                    Vector128<double> dlo = Vector128.WidenLower(v) - mlo, dhi = Vector128.WidenUpper(v) - mhi;
                    lo += dlo * dlo;
                    hi += dhi * dhi;
                }
                lo.Store(deviation + c);
                hi.Store(deviation + c + 2);
            }
        for (; c < channels; c++)
        {
            double s = deviation[c], m = mean[c];
            float* p = x + c;
            for (int r = 0; r < rows; r++, p += channels)
            {
                double d = *p - m;
                s += d * d;
            }
            deviation[c] = s;
        }
    }

    /// <summary>sum[c] += Σ_r a[r, c] and products[c] += Σ_r (double)a[r, c]·b[r, c], rows in order.</summary>
    public static void AddWithProducts(float* a, float* b, double* sum, double* products, int rows, int channels)
    {
        int c = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; c <= channels - 8; c += 8)
            {
                Vector256<double> slo = Vector256.Load(sum + c), shi = Vector256.Load(sum + c + 4);
                Vector256<double> plo = Vector256.Load(products + c), phi = Vector256.Load(products + c + 4);
                float* pa = a + c, pb = b + c;
                for (int r = 0; r < rows; r++, pa += channels, pb += channels)
                {
                    var va = Vector256.Load(pa);
                    var vb = Vector256.Load(pb);
                    Vector256<double> alo = Vector256.WidenLower(va), ahi = Vector256.WidenUpper(va);
                    slo += alo;
                    shi += ahi;
                    plo += alo * Vector256.WidenLower(vb);
                    phi += ahi * Vector256.WidenUpper(vb);
                }
                slo.Store(sum + c); shi.Store(sum + c + 4);
                plo.Store(products + c); phi.Store(products + c + 4);
            }
        if (Vector128.IsHardwareAccelerated)
            for (; c <= channels - 4; c += 4)
            {
                Vector128<double> slo = Vector128.Load(sum + c), shi = Vector128.Load(sum + c + 2);
                Vector128<double> plo = Vector128.Load(products + c), phi = Vector128.Load(products + c + 2);
                float* pa = a + c, pb = b + c;
                for (int r = 0; r < rows; r++, pa += channels, pb += channels)
                {
                    var va = Vector128.Load(pa);
                    var vb = Vector128.Load(pb);
                    Vector128<double> alo = Vector128.WidenLower(va), ahi = Vector128.WidenUpper(va);
                    slo += alo;
                    shi += ahi;
                    plo += alo * Vector128.WidenLower(vb);
                    phi += ahi * Vector128.WidenUpper(vb);
                }
                slo.Store(sum + c); shi.Store(sum + c + 2);
                plo.Store(products + c); phi.Store(products + c + 2);
            }
        for (; c < channels; c++)
        {
            double s = sum[c], q = products[c];
            float* pa = a + c, pb = b + c;
            for (int r = 0; r < rows; r++, pa += channels, pb += channels)
            {
                s += *pa;
                q += (double)*pa * *pb;
            }
            sum[c] = s;
            products[c] = q;
        }
    }
}
