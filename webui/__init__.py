"""ct05: text mining and news-archive search for Chỉ thị 05-CT/TW provincial news."""
