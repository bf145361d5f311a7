namespace AtomicDeploy.Tests.Infrastructure;

/// <summary>A publish folder made by a test.</summary>
internal sealed class SourceFolder : IDisposable
{
    private readonly TempFolder _folder = new("atomicdeploy-source-");

    public string Path => _folder.Path;

    public SourceFolder Write(string relative, string content)
    {
        var path = _folder.Combine(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return this;
    }

    public SourceFolder Delete(string relative)
    {
        File.Delete(_folder.Combine(relative));
        return this;
    }

    public void Dispose() => _folder.Dispose();
}
