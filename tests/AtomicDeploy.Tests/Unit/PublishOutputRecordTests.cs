using AtomicDeploy.Core.Manifest;

namespace AtomicDeploy.Tests.Unit;

[TestClass]
public sealed class PublishOutputRecordTests
{
    [TestMethod]
    public void Without_a_record_nothing_is_stale()
    {
        using var folder = new TempFolder();

        Assert.IsEmpty(PublishOutputRecord.Stale(folder.Combine("none.txt"), ["app.dll"], folder.Path));
    }

    [TestMethod]
    public void A_file_the_record_knows_and_this_publish_does_not_list_is_stale()
    {
        using var folder = new TempFolder();
        var record = folder.Combine("record.txt");
        File.WriteAllLines(record, [folder.Combine("publish", "app.dll"), folder.Combine("publish", "wwwroot", "about.html")]);

        var stale = PublishOutputRecord.Stale(record, [folder.Combine("publish", "app.dll"), "wwwroot/new.html"], folder.Combine("publish"));

        CollectionAssert.AreEquivalent(new[] { "wwwroot/about.html" }, stale.ToArray());
    }

    [TestMethod]
    public void A_file_the_record_never_knew_is_never_stale()
    {
        using var folder = new TempFolder();
        var record = folder.Combine("record.txt");
        File.WriteAllLines(record, [folder.Combine("publish", "app.dll")]);

        var stale = PublishOutputRecord.Stale(record, [folder.Combine("publish", "app.dll")], folder.Combine("publish"));

        Assert.IsFalse(stale.Contains("bundle.bin"));
        Assert.IsEmpty(stale);
    }

    [TestMethod]
    public void Items_become_paths_relative_to_the_publish_folder()
    {
        var relative = PublishOutputRecord.Relative(["/p/out/wwwroot/a.css", "b.dll", "wwwroot\\c.js", "/elsewhere/d.txt"], "/p/out");

        CollectionAssert.AreEquivalent(new[] { "wwwroot/a.css", "b.dll", "wwwroot/c.js" }, relative.ToArray());
    }
}
