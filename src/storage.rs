//! Files the server makes or keeps (export files today; uploads later), outside PostgreSQL:
//! large bytes in the database bloat its backups and its WAL, and every server copy would
//! read them through the pool. They live behind the `object_store` crate (Apache Arrow's),
//! whose one interface covers the local file system used here and S3, GCS and Azure, so
//! moving the files to a bucket changes how [`Storage`] is built, not its callers.

use std::path::Path;
use std::sync::Arc;

use object_store::local::LocalFileSystem;
use object_store::path::Path as Key;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

/// Where files live: keys are `/`-separated names chosen by the server, never by a client.
#[derive(Clone, Debug)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
}

impl Storage {
    /// Files under `<data dir>/files`, created if missing.
    pub fn local(data_dir: &Path) -> anyhow::Result<Self> {
        let root = data_dir.join("files");
        std::fs::create_dir_all(&root)?;
        // Empty directories left by deleted files are removed with them.
        let store = LocalFileSystem::new_with_prefix(&root)?.with_automatic_cleanup(true);
        Ok(Self {
            store: Arc::new(store),
        })
    }

    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> object_store::Result<()> {
        self.store
            .put(&Key::from(key), PutPayload::from(bytes))
            .await
            .map(drop)
    }

    /// The file's bytes; None when there is no such file.
    pub async fn get(&self, key: &str) -> object_store::Result<Option<Vec<u8>>> {
        match self.store.get(&Key::from(key)).await {
            Ok(found) => Ok(Some(found.bytes().await?.to_vec())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Deletes the file; deleting one that is gone is not an error.
    pub async fn delete(&self, key: &str) -> object_store::Result<()> {
        match self.store.delete(&Key::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(error),
        }
    }

    /// Deletes every file under `prefix` (a `/`-separated folder); how many.
    pub async fn delete_under(&self, prefix: &str) -> object_store::Result<usize> {
        use futures_util::TryStreamExt;
        let keys: Vec<Key> = self
            .store
            .list(Some(&Key::from(prefix)))
            .map_ok(|meta| meta.location)
            .try_collect()
            .await?;
        for key in &keys {
            match self.store.delete(key).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(error) => return Err(error),
            }
        }
        Ok(keys.len())
    }

    /// The names of the folders directly under `prefix`.
    pub async fn folders_under(&self, prefix: &str) -> object_store::Result<Vec<String>> {
        match self.store.list_with_delimiter(Some(&Key::from(prefix))).await {
            Ok(listed) => Ok(listed
                .common_prefixes
                .iter()
                .filter_map(|folder| folder.filename().map(str::to_owned))
                .collect()),
            Err(object_store::Error::NotFound { .. }) => Ok(Vec::new()),
            Err(error) => Err(error),
        }
    }
}
