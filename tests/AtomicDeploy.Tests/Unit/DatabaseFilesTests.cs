using AtomicDeploy.Core;
using AtomicDeploy.Core.Planning;

namespace AtomicDeploy.Tests.Unit;

[TestClass]
public sealed class DatabaseFilesTests
{
    [TestMethod]
    public void Database_files_and_SQLite_companions_are_found_whatever_their_case()
    {
        var found = DatabaseFiles.OutsideShared(
            ["MyShop.dll", "Data/app.db", "Data/app.db-wal", "Data/app.db-shm", "App.SQLITE", "x/y.sqlite3", "Db/Shop.MDF", "Db/Shop_log.ldf", "wwwroot/db.js", "notes.db.txt", ".db", "keyboard-shm"],
            []);

        CollectionAssert.AreEqual(new[] { "App.SQLITE", "Data/app.db", "Data/app.db-shm", "Data/app.db-wal", "Db/Shop.MDF", "Db/Shop_log.ldf", "x/y.sqlite3" }, found.ToArray());
    }

    [TestMethod]
    public void Files_inside_declared_shared_folders_or_declared_as_shared_files_are_left_alone()
    {
        var found = DatabaseFiles.OutsideShared(
            ["Data/app.db", "Data/sub/other.db", "DataOld/app.db", "tenant.sqlite", "logs.db"],
            ["Data/", "tenant.sqlite", " App_Data\\ "]);

        CollectionAssert.AreEqual(new[] { "DataOld/app.db", "logs.db" }, found.ToArray());
    }

    [TestMethod]
    public void The_warning_names_the_file_what_happens_and_how_to_declare_it()
    {
        var log = new RecordingLog();

        DatabaseFiles.Warn(["Data/app.db", "wwwroot/index.html", "shop.sqlite"], ["Uploads/"], log);

        Assert.HasCount(2, log.Warnings);
        Assert.IsTrue(log.Warnings.All(w => w.Code == ErrorCodes.DatabaseInRelease));
        StringAssert.Contains(log.Warnings[0].Message, "'Data/app.db' in the publish output looks like a database");
        StringAssert.Contains(log.Warnings[0].Message, "replaces the live one");
        StringAssert.Contains(log.Warnings[0].Message, "<AtomicDeploySharedPaths>Data/</AtomicDeploySharedPaths>");
        StringAssert.Contains(log.Warnings[1].Message, "<AtomicDeploySharedPaths>shop.sqlite</AtomicDeploySharedPaths>");
    }
}
