namespace ModelGen.ReferenceTests;
public class Smoke { [Fact] public void Loads() { TorchSharp.torch.InitializeDeviceType(TorchSharp.DeviceType.CPU); } }
