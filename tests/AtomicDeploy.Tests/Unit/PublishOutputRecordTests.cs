using AtomicDeploy.Core.Manifest;

namespace AtomicDeploy.Tests.Unit;

[TestClass]
public sealed class PublishOutputRecordTests
{
    [TestMethod]
    public void Without_a_record_nothing_is_stale()
    {
        using var folder = new TempFolder();

        var record = PublishOutputRecord.Load(folder.Combine("none.txt"));

        Assert.IsEmpty(record.Stale(Set("app.dll")));
    }

    [TestMethod]
    public void A_file_listed_by_an_earlier_publish_and_not_by_this_one_is_stale_until_it_leaves_the_folder()
    {
        using var folder = new TempFolder();
        var file = folder.Combine("obj", "record.txt");
        var publish = folder.Combine("publish");
        Directory.CreateDirectory(publish);
        File.WriteAllText(Path.Combine(publish, "app.dll"), "a");
        File.WriteAllText(Path.Combine(publish, "about.html"), "b");
        PublishOutputRecord.Load(file).Save(Set("app.dll", "about.html"), publish);

        var second = PublishOutputRecord.Load(file);
        CollectionAssert.AreEquivalent(new[] { "about.html" }, second.Stale(Set("app.dll")).ToArray());
        second.Save(Set("app.dll"), publish);

        CollectionAssert.AreEquivalent(new[] { "about.html" }, PublishOutputRecord.Load(file).Stale(Set("app.dll")).ToArray(), "still stale on the publish after");
        File.Delete(Path.Combine(publish, "about.html"));
        PublishOutputRecord.Load(file).Save(Set("app.dll"), publish);
        Assert.IsEmpty(PublishOutputRecord.Load(file).Stale(Set("app.dll")), "forgotten once gone from the folder");
    }

    [TestMethod]
    public void A_file_never_listed_is_never_stale()
    {
        using var folder = new TempFolder();
        var file = folder.Combine("record.txt");
        PublishOutputRecord.Load(file).Save(Set("app.dll"), folder.Path);

        Assert.IsFalse(PublishOutputRecord.Load(file).Stale(Set("app.dll")).Contains("bundle.bin"));
    }

    [TestMethod]
    public void Items_become_paths_relative_to_the_publish_folder()
    {
        var relative = PublishOutputRecord.Relative(["/p/out/wwwroot/a.css", "b.dll", "wwwroot\\c.js", "/elsewhere/d.txt"], "/p/out");

        CollectionAssert.AreEquivalent(new[] { "wwwroot/a.css", "b.dll", "wwwroot/c.js" }, relative.ToArray());
    }

    private static HashSet<string> Set(params string[] paths) => paths.ToHashSet(StringComparer.Ordinal);
}
