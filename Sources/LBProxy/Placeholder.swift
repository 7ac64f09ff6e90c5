public enum LBProxyModule {}
