//! Files the server makes or keeps (export files, uploads), outside PostgreSQL: large bytes in
//! the database bloat its backups and its WAL, and every server copy would read them through
//! the pool. They live behind the `object_store` crate (Apache Arrow's), whose one interface
//! covers the local file system (the default: `<data dir>/files`, nothing to set up) and any
//! S3-compatible store (`--s3-bucket`, with `--s3-endpoint` for MinIO, R2, Ceph and the like),
//! so where the files live changes how [`Storage`] is built, not its callers.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::local::LocalFileSystem;
use object_store::path::Path as Key;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload, RetryConfig};

/// Where files live: keys are `/`-separated names chosen by the server, never by a client.
#[derive(Clone, Debug)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    /// How the store encrypts objects at rest (`AES256`, `aws:kms`); None when it is not asked
    /// to (the local directory, or a bucket without `--s3-encryption`).
    encryption: Option<String>,
}

/// An S3-compatible bucket. Credentials and anything not given here come from the usual
/// `AWS_*` environment variables (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
/// `AWS_SESSION_TOKEN`, `AWS_REGION`, …), as the AWS tools read them.
#[derive(Clone, Debug, Default)]
pub struct S3Settings {
    pub bucket: String,
    /// The store's URL when it is not AWS (`http://localhost:9000` for MinIO); plain `http://`
    /// is allowed only when named here.
    pub endpoint: Option<String>,
    pub region: Option<String>,
    /// Server-side encryption asked of the store: `AES256` or `aws:kms`.
    pub encryption: Option<String>,
    /// Explicit credentials (they win over the environment's).
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
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
            encryption: None,
        })
    }

    /// Files in an S3-compatible bucket. Nothing is sent until the first file is.
    pub fn s3(settings: &S3Settings) -> anyhow::Result<Self> {
        let mut builder = AmazonS3Builder::from_env()
            .with_bucket_name(&settings.bucket)
            // A request fails after a few tries rather than holding a mutation for minutes.
            .with_retry(RetryConfig {
                max_retries: 3,
                retry_timeout: Duration::from_secs(30),
                ..RetryConfig::default()
            });
        if let Some(endpoint) = &settings.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        if let Some(region) = &settings.region {
            builder = builder.with_region(region);
        }
        if let Some(encryption) = &settings.encryption {
            // The key's type is not exported; its name is the documented one.
            let key: AmazonS3ConfigKey = "aws_server_side_encryption".parse()?;
            builder = builder.with_config(key, encryption);
        }
        if let (Some(id), Some(secret)) = (&settings.access_key_id, &settings.secret_access_key) {
            builder = builder.with_access_key_id(id).with_secret_access_key(secret);
        }
        Ok(Self {
            store: Arc::new(builder.build()?),
            encryption: settings.encryption.clone(),
        })
    }

    /// How the store encrypts what it keeps, if it is asked to.
    pub fn encryption(&self) -> Option<&str> {
        self.encryption.as_deref()
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

    /// Every file under `prefix` (a key's leading segments), with when it was last written.
    pub async fn list(&self, prefix: &str) -> object_store::Result<Vec<(String, DateTime<Utc>)>> {
        let prefix = Key::from(prefix);
        let mut listed = self.store.list(Some(&prefix));
        let mut found = Vec::new();
        while let Some(meta) = listed.next().await {
            match meta {
                Ok(meta) => found.push((meta.location.to_string(), meta.last_modified)),
                // The prefix does not exist yet: nothing under it.
                Err(object_store::Error::NotFound { .. }) => break,
                Err(error) => return Err(error),
            }
        }
        Ok(found)
    }
}

/// The path a stored upload is downloaded from, by its global id (`UploadedDocument.url`,
/// `CandidateProfile.photoUrl`), with the reader's `Authorization: Bearer` token.
pub fn upload_path(global_id: &str) -> String {
    format!("/uploads/{global_id}/download")
}

/// The path of an uploaded photo's thumbnail, by the photo's global id.
pub fn thumbnail_path(global_id: &str) -> String {
    format!("/uploads/{global_id}/thumbnail")
}
